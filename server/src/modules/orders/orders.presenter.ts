import type { Quote } from '#domain/mail/index.js';
import { weightForDisplay } from '#domain/mail/index.js';
import type { OrderView } from './orders.js';
import { isoTimeOrNull } from '../../platform/http/wire.js';

const iso = isoTimeOrNull;

/** A DATE column: a string from pg (our type parser), a Date at UTC midnight from PGlite. */
export const civilDate = (d: unknown): string | null => (d === null || d === undefined ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

/** api.md's quote: one label in the caller's language, VAT as a fraction (0.2). */
export function presentQuote(q: Quote | null, lang: 'fr' | 'en') {
  if (!q) return null;
  return {
    lines: q.lines.map((l) => ({ code: l.code, label: lang === 'en' ? l.label_en : l.label_fr, quantity: l.quantity, unit_cents: l.unit_cents, vat_rate: l.vat_rate_bp / 10_000, total_cents: l.total_cents })),
    total_excl_vat_cents: q.total_excl_vat_cents,
    vat_cents: q.vat_cents,
    total_cents: q.total_cents,
    currency: 'EUR' as const,
  };
}

export function presentOrder(v: OrderView, lang: 'fr' | 'en') {
  const r = v.row;
  const mailpieces = v.mailpieces
    ? v.mailpieces.map((m) => ({
        id: m.id,
        status: m.status,
        recipient: m.recipient,
        pages: [m.first_page, m.last_page] as [number, number],
        sheets: m.sheets,
        weight_g: weightForDisplay(m.weight_mg),
        postage_step: m.postage_step,
        tracking_number: m.tracking_number,
        updated_at: iso(m.updated_at),
      }))
    : v.plan.letters.map((l) => ({
        id: null,
        status: 'planned',
        recipient: { address: l.address.lines, country: l.address.country },
        pages: l.pages,
        sheets: l.sheets,
        weight_g: weightForDisplay(l.weightMg),
        postage_step: l.postageStep,
        tracking_number: null,
        updated_at: null,
      }));
  return {
    id: r.id,
    kind: 'paper' as const,
    name: r.name,
    status: r.status,
    documents: r.documents,
    options: r.options as never,
    address_source: r.address_source,
    split: (r.split as never) ?? null,
    recipients: r.recipients,
    quote: presentQuote(v.quote, lang),
    delivery_estimate: civilDate(v.deliveryEstimate),
    problems: v.plan.problems,
    letters: v.mailpieces ? v.mailpieces.length : v.plan.letters.length,
    mailpieces,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
    submitted_at: iso(r.submitted_at),
    accepted_at: iso(r.accepted_at),
    in_production_at: iso(v.reached.inProduction),
    completed_at: iso(v.reached.completed),
    refusal_reason: r.refusal_reason,
  };
}
