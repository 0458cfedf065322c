import type { TFunction } from 'i18next';
import type { Batch, BatchStatus, FloorStep, RegisteredRange } from './api';

/** The floor's steps, in order: keys 1 to 4 of the scan station choose them. */
export const STEPS: readonly FloorStep[] = ['printed', 'inserted', 'franked', 'deposited'];

export const STEP_LABEL = {
  printed: 'production.steps.printed',
  inserted: 'production.steps.inserted',
  franked: 'production.steps.franked',
  deposited: 'production.steps.deposited',
} as const satisfies Record<FloorStep, string>;

export const STEP_COLOR = {
  printed: 'blue',
  inserted: 'violet',
  franked: 'orange',
  deposited: 'green',
} as const satisfies Record<FloorStep, string>;

export const BATCH_STATUS = {
  building: { label: 'production.batchStatus.building', color: 'gray' },
  ready_to_print: { label: 'production.batchStatus.ready_to_print', color: 'cyan' },
  printed: { label: 'production.batchStatus.printed', color: 'blue' },
  inserted: { label: 'production.batchStatus.inserted', color: 'violet' },
  franked: { label: 'production.batchStatus.franked', color: 'orange' },
  deposited: { label: 'production.batchStatus.deposited', color: 'green' },
} as const satisfies Record<BatchStatus, { label: string; color: string }>;

export const RANGE_STATUS = {
  ready: { label: 'production.ranges.status.ready', color: 'gray' },
  active: { label: 'production.ranges.status.active', color: 'green' },
  used_up: { label: 'production.ranges.status.used_up', color: 'dark' },
  withdrawn: { label: 'production.ranges.status.withdrawn', color: 'red' },
} as const satisfies Record<RegisteredRange['status'], { label: string; color: string }>;

/** The batch number as written on its sheets and typed at the scan station. */
export function batchCode(batch: Pick<Batch, 'number'>): string {
  return `B${batch.number}`;
}

const CLASS_WORD: Record<string, 'orders.options.class.priority' | 'orders.options.class.non_priority' | 'orders.options.class.registered'> = {
  priority: 'orders.options.class.priority',
  non_priority: 'orders.options.class.non_priority',
  registered: 'orders.options.class.registered',
};

/** « Prioritaire », « Recommandé R1 avec AR »; a class this page does not know is shown as the API gives it. */
export function mailClassText(t: TFunction, mailClass: string, registeredLevel?: string | null, acknowledgement?: boolean): string {
  const word = CLASS_WORD[mailClass];
  if (!word) return mailClass;
  if (mailClass !== 'registered') return t(word);
  const level = registeredLevel ? ` ${registeredLevel}` : '';
  return acknowledgement ? t('production.attributes.registeredAr', { level }) : `${t(word)}${level}`;
}

export function colorText(t: TFunction, color: string): string {
  if (color === 'bw') return t('orders.options.color.bw');
  if (color === 'color') return t('orders.options.color.color');
  return color;
}

export function sidesText(t: TFunction, sides: string): string {
  if (sides === 'simplex') return t('orders.options.sides.simplex');
  if (sides === 'duplex') return t('orders.options.sides.duplex');
  return sides;
}

/** A batch's production attributes in one line: what the machines are set up for. */
export function attributesText(t: TFunction, a: Batch['attributes']): string {
  const parts = [
    colorText(t, a.color),
    sidesText(t, a.sides).toLowerCase(),
    a.envelope,
    mailClassText(t, a.mail_class, a.registered_level, a.acknowledgement),
  ];
  if (a.background) parts.push(t('production.attributes.background'));
  return parts.join(' · ');
}

/**
 * The server names what it scanned in English ("Batch B12", "Mailpiece 3 of batch B12");
 * in French the same words are said in French. Anything else is shown as it comes.
 */
export function scannedLabel(t: TFunction, label: string): string {
  const batch = /^Batch (B\d+)$/.exec(label);
  if (batch) return t('production.scan.batchLabel', { batch: batch[1] });
  const piece = /^Mailpiece (\d+) of batch (B\d+)$/.exec(label);
  if (piece) return t('production.scan.mailpieceLabel', { position: piece[1], batch: piece[2] });
  const bare = /^Mailpiece (mp_[0-9a-z]+)$/.exec(label);
  if (bare) return t('production.scan.mailpieceIdLabel', { id: bare[1] });
  return label;
}

const EVENT_WORDS = {
  'batch.building': 'production.events.building',
  'batch.mailpieces_added': 'production.events.mailpieces_added',
  'batch.held': 'production.events.held',
  'batch.closed': 'production.events.closed',
  'batch.ready_to_print': 'production.events.ready_to_print',
  'batch.printed': 'production.events.printed',
  'batch.inserted': 'production.events.inserted',
  'batch.franked': 'production.events.franked',
  'batch.deposit_slip_prepared': 'production.events.deposit_slip_prepared',
  'batch.deposited': 'production.events.deposited',
  'batch.reprint': 'production.events.reprint',
} as const;

/** A batch event in words, with what its detail says; a type this page does not know is shown as the API gives it. */
export function batchEventText(t: TFunction, event: { type: string; detail: Record<string, unknown> }): string {
  if (!Object.hasOwn(EVENT_WORDS, event.type)) return event.type;
  const d = event.detail;
  const number = (value: unknown) => (typeof value === 'number' ? value : 0);
  // The print file counts its parts (the plural the sentence follows) and its sheets.
  const count = event.type === 'batch.ready_to_print' ? number(d.parts) : number(d.count ?? d.mailpieces);
  const values = {
    count,
    sheets: t('production.events.sheets', { count: number(d.sheets) }),
    reason: typeof d.reason === 'string' ? d.reason : '',
    position: typeof d.position === 'number' ? d.position : '?',
  };
  return t(EVENT_WORDS[event.type as keyof typeof EVENT_WORDS], values);
}
