import { formatWeight, type EnvelopeType, type ProductionRules } from '#domain/mail/index.js';
import type { TFunction } from 'i18next';
import type { OrderStatus, PaperOptions } from './api';

// The status words of the API (design/api.md), in words and colours.
export const ORDER_STATUS = {
  draft: { label: 'orders.status.draft', color: 'gray' },
  submitted: { label: 'orders.status.submitted', color: 'blue' },
  accepted: { label: 'orders.status.accepted', color: 'teal' },
  refused: { label: 'orders.status.refused', color: 'red' },
  cancelled: { label: 'orders.status.cancelled', color: 'dark' },
  in_production: { label: 'orders.status.in_production', color: 'violet' },
  completed: { label: 'orders.status.completed', color: 'green' },
} as const satisfies Record<OrderStatus, { label: string; color: string }>;

const MAILPIECE_STATUS = {
  planned: 'orders.mailpieceStatus.planned',
  pending: 'orders.mailpieceStatus.pending',
  printed: 'orders.mailpieceStatus.printed',
  inserted: 'orders.mailpieceStatus.inserted',
  franked: 'orders.mailpieceStatus.franked',
  deposited: 'orders.mailpieceStatus.deposited',
  delivered: 'orders.mailpieceStatus.delivered',
  returned: 'orders.mailpieceStatus.returned',
  ar_received: 'orders.mailpieceStatus.ar_received',
  cancelled: 'orders.mailpieceStatus.cancelled',
} as const;

/** A mailpiece's status in words; a word this page does not know yet is shown as the API gives it. */
export function mailpieceStatus(t: TFunction, status: string): string {
  return Object.hasOwn(MAILPIECE_STATUS, status) ? t(MAILPIECE_STATUS[status as keyof typeof MAILPIECE_STATUS]) : status;
}

export const ENVELOPES: readonly EnvelopeType[] = ['C5/6', 'C5', 'C4'];

/** How many sheets each envelope holds under the production rules in force. */
export function envelopeCapacity(envelope: EnvelopeType, rules: ProductionRules): number {
  return rules.envelopes[envelope].maxSheets;
}

/** "2 kg", "250 g": the weight limit of a mail class (M-3.1). */
export function classLimit(mailClass: PaperOptions['mail_class'], rules: ProductionRules): string {
  return formatWeight(rules.classes[mailClass].maxMg);
}

export function classDays(mailClass: PaperOptions['mail_class'], rules: ProductionRules): number {
  return rules.classes[mailClass].deliveryDays;
}

function locale(language: string): string {
  return language === 'en' ? 'en-GB' : 'fr-FR';
}

export function formatEuros(cents: number, language: string): string {
  return new Intl.NumberFormat(locale(language), { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/** `weight_g` (already rounded up to 0.1 g by the server) with the language's decimal sign. */
export function formatGrams(grams: number, language: string): string {
  return `${new Intl.NumberFormat(locale(language), { maximumFractionDigits: 1 }).format(grams)} g`;
}

/** A postage step label of the API ('20g', '1kg') → « ≤ 20 g ». */
export function formatStep(step: string | null): string {
  if (step === null) return '—';
  const match = /^(\d+)(k?g)$/.exec(step);
  return match ? `≤ ${match[1]} ${match[2]}` : step;
}

/** A whole-number count in the interface language. */
export function formatCount(value: number, language: string): string {
  return new Intl.NumberFormat(locale(language)).format(value);
}

const CLASS_WORD = {
  priority: 'orders.options.class.priority',
  non_priority: 'orders.options.class.non_priority',
  registered: 'orders.options.class.registered',
} as const;

/**
 * A quote line's label in the interface language, from its code (domain/mail/pricing.ts names
 * them); a code this page does not know keeps the label the server wrote.
 */
export function quoteLineLabel(t: TFunction, code: string, serverLabel: string): string {
  switch (code) {
    case 'print_bw':
      return t('orders.quote.code.print_bw');
    case 'print_color':
      return t('orders.quote.code.print_color');
    case 'sheet':
      return t('orders.quote.code.sheet');
    case 'carrier_sheet':
      return t('orders.quote.code.carrier_sheet');
    case 'background_page':
      return t('orders.quote.code.background_page');
    case 'acknowledgement':
      return t('orders.quote.code.acknowledgement');
    case 'archive_simple':
      return t('orders.quote.code.archive_simple');
    case 'archive_electronic':
      return t('orders.quote.code.archive_electronic');
  }
  const insertion = /^insertion_(c4|c5|c5_6)$/.exec(code);
  if (insertion) {
    const envelope = { c4: 'C4', c5: 'C5', c5_6: 'C5/6' }[insertion[1] as 'c4' | 'c5' | 'c5_6'];
    return t('orders.quote.code.insertion', { envelope });
  }
  const registered = /^registered_(r[123])$/.exec(code);
  if (registered) return t('orders.quote.code.registered', { level: registered[1]!.toUpperCase() });
  const postage = /^postage_(priority|non_priority|registered)_(\d+k?g)$/.exec(code);
  if (postage) {
    const mailClass = t(CLASS_WORD[postage[1] as keyof typeof CLASS_WORD]);
    const step = postage[2]!.replace(/^(\d+)(k?g)$/, '$1 $2');
    return t('orders.quote.code.postage', { class: mailClass.toLowerCase(), step });
  }
  return serverLabel;
}
