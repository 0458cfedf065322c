import { z } from 'zod';
import { idOf, timestamp } from './common.js';

/**
 * Orders (api.md): `POST /api/v1/orders` (draft), `GET/PATCH/DELETE /api/v1/orders/{id}`,
 * `POST …/submit` (202 submitted; Idempotency-Key), `POST …/cancel`, `GET …/purchase-order`
 * (PDF), `GET /api/v1/orders?status=&kind=&cursor=`, `GET /api/v1/mailpieces/{id}`,
 * `GET /api/v1/orders/{id}/preview` (the letters a draft will make, for the review grid).
 */
export const envelopeSchema = z.enum(['C4', 'C5', 'C5/6']);
export const mailClassSchema = z.enum(['priority', 'non_priority', 'registered']);

export const archiveOption = z.strictObject({
  type: z.enum(['none', 'simple', 'electronic']),
  retention_years: z.union([z.literal(1), z.literal(3), z.literal(5), z.literal(10), z.literal(30)]).optional(),
});

export const paperOptions = z.strictObject({
  color: z.enum(['bw', 'color']),
  sides: z.enum(['simplex', 'duplex']),
  envelope: envelopeSchema,
  background: z.strictObject({ document: idOf('doc'), pages: z.enum(['all', 'first']) }).nullable().default(null),
  mail_class: mailClassSchema,
  registered_level: z.enum(['R1', 'R2', 'R3']).optional(),
  acknowledgement: z.boolean().optional(),
  archive: archiveOption.default({ type: 'none' }),
});

export const recipientSchema = z.strictObject({
  address: z.array(z.string().max(200)).min(1).max(10),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 code such as FR').default('FR'),
});

export const splitSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('every'), pages: z.number().int().min(1).max(1000) }),
  z.strictObject({ mode: z.literal('address') }),
]);

export const paperOrderBody = z.strictObject({
  kind: z.literal('paper'),
  name: z.string().trim().min(1).max(200),
  documents: z.array(idOf('doc')).min(1, 'must list at least the letter').max(20),
  options: paperOptions,
  address_source: z.enum(['document', 'recipients']),
  split: splitSchema.nullable().default(null),
  recipients: z.array(recipientSchema).max(10_000).default([]),
});

/**
 * Electronic letters (M-4, api.md): one e-letter per recipient, simple or registered. The postal
 * address serves the paper fallback; a consumer's prior consent to electronic delivery is the
 * sender's to record (consent_ref); a registered letter's recipient gets the second factor of
 * their sign-in by text message (phone, E.164).
 */
export const eletterRecipientSchema = z.strictObject({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(200),
  address: z.array(z.string().max(200)).min(1).max(10),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 code such as FR').default('FR'),
  kind: z.enum(['consumer', 'professional']),
  consent_ref: z.string().trim().min(1).max(200).optional(),
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an international number such as +33612345678').optional(),
});

export const electronicOptions = z.strictObject({
  registered: z.boolean(),
  archive: archiveOption.default({ type: 'none' }),
});

export const fallbackPaperOptions = z.strictObject({
  color: z.enum(['bw', 'color']),
  sides: z.enum(['simplex', 'duplex']),
  envelope: envelopeSchema,
  mail_class: mailClassSchema,
});

/** Simple letters: printed and posted when not opened within after_days (optional). Registered
 * letters always fall back, when not claimed in the legal window, as registered paper mail. */
export const fallbackSchema = z.strictObject({
  after_days: z.number().int().min(1).max(60).optional(),
  paper_options: fallbackPaperOptions,
});

export const electronicOrderBody = z.strictObject({
  kind: z.literal('electronic'),
  name: z.string().trim().min(1).max(200),
  documents: z.array(idOf('doc')).min(1, 'must list at least the letter').max(20),
  options: electronicOptions,
  recipients: z.array(eletterRecipientSchema).max(10_000).default([]),
  fallback: fallbackSchema.nullable().default(null),
});

export const createOrderBody = z.discriminatedUnion('kind', [paperOrderBody, electronicOrderBody]);

export const updateElectronicOrderBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  documents: z.array(idOf('doc')).min(1).max(20).optional(),
  options: electronicOptions.optional(),
  recipients: z.array(eletterRecipientSchema).max(10_000).optional(),
  fallback: fallbackSchema.nullable().optional(),
});

export const updatePaperOrderBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  documents: z.array(idOf('doc')).min(1).max(20).optional(),
  options: paperOptions.optional(),
  address_source: z.enum(['document', 'recipients']).optional(),
  split: splitSchema.nullable().optional(),
  recipients: z.array(recipientSchema).max(10_000).optional(),
});

/** A draft's changes: the fields of its own kind (a paper draft's or an electronic one's). */
export const updateOrderBody = z.union([updatePaperOrderBody, updateElectronicOrderBody]);

export const quoteSchema = z
  .object({
    lines: z.array(z.object({ code: z.string(), label: z.string(), quantity: z.number().int(), unit_cents: z.number().int(), vat_rate: z.number(), total_cents: z.number().int() })),
    total_excl_vat_cents: z.number().int(),
    vat_cents: z.number().int(),
    total_cents: z.number().int(),
    currency: z.literal('EUR'),
  })
  .meta({ id: 'Quote' });

export const problemItem = z.object({ code: z.string(), message: z.string(), severity: z.enum(['error', 'warning']), letter: z.number().int().nullable(), suggestion: z.string().optional() });

export const mailpieceSchema = z
  .object({
    id: z.string().nullable().meta({ description: 'null for the letters of a draft (not yet mailpieces)' }),
    status: z.string(),
    recipient: z.object({ address: z.array(z.string()), country: z.string() }),
    pages: z.tuple([z.number().int(), z.number().int()]),
    sheets: z.number().int(),
    weight_g: z.number(),
    postage_step: z.string().nullable(),
    tracking_number: z.string().nullable(),
    updated_at: timestamp.nullable(),
  })
  .meta({ id: 'Mailpiece' });

/** An e-letter's mailpiece: one recipient, its envoi number, its window, its evidence, and the
 * paper mailpiece made when it fell back. */
export const eletterMailpieceSchema = z
  .object({
    id: z.string(),
    channel: z.literal('electronic'),
    envoi: z.string(),
    status: z.enum(['pending', 'notified', 'opened', 'accepted', 'refused', 'expired', 'fallback_paper']),
    recipient: z.object({ name: z.string(), email: z.string(), kind: z.enum(['consumer', 'professional']), address: z.array(z.string()), country: z.string() }),
    notified_at: timestamp.nullable(),
    deadline_at: timestamp.nullable().meta({ description: 'registered: the end of the window (end of D+15, Paris); simple with a fallback: when it falls back to paper' }),
    decided_at: timestamp.nullable(),
    fallback_mailpiece: z.string().nullable().meta({ description: 'the paper mailpiece made when the letter fell back' }),
    evidence: z.array(z.object({ id: z.string(), event: z.string(), at: timestamp })),
    updated_at: timestamp,
  })
  .meta({ id: 'EletterMailpiece' });

export const orderSchema = z
  .object({
    id: idOf('ord'),
    kind: z.literal('paper'),
    name: z.string(),
    status: z.enum(['draft', 'submitted', 'accepted', 'refused', 'cancelled', 'in_production', 'completed']),
    documents: z.array(idOf('doc')),
    options: paperOptions,
    address_source: z.enum(['document', 'recipients']),
    split: splitSchema.nullable(),
    recipients: z.array(recipientSchema),
    quote: quoteSchema.nullable(),
    delivery_estimate: z.iso.date().nullable(),
    problems: z.array(problemItem),
    letters: z.number().int(),
    mailpieces: z.array(mailpieceSchema),
    created_at: timestamp,
    updated_at: timestamp,
    submitted_at: timestamp.nullable(),
    accepted_at: timestamp.nullable().meta({ description: 'when the provider accepted it: from then on the order is firm (M-1.1)' }),
    in_production_at: timestamp.nullable().meta({ description: 'when its first letter was printed' }),
    completed_at: timestamp.nullable().meta({ description: 'when its last letter was handed to La Poste' }),
    refusal_reason: z.string().nullable().meta({ description: 'the provider’s reason, when it refused the order (M-1.2)' }),
  })
  .meta({ id: 'Order' });

export const electronicOrderSchema = z
  .object({
    id: idOf('ord'),
    kind: z.literal('electronic'),
    name: z.string(),
    status: z.enum(['draft', 'submitted', 'accepted', 'refused', 'cancelled', 'in_production', 'completed']),
    documents: z.array(idOf('doc')),
    options: electronicOptions,
    recipients: z.array(eletterRecipientSchema),
    fallback: fallbackSchema.nullable(),
    quote: quoteSchema.nullable(),
    problems: z.array(problemItem),
    letters: z.number().int(),
    mailpieces: z.array(eletterMailpieceSchema),
    created_at: timestamp,
    updated_at: timestamp,
    submitted_at: timestamp.nullable(),
  })
  .meta({ id: 'ElectronicOrder' });

export const anyOrderSchema = z.union([orderSchema, electronicOrderSchema]);

export const orderListItem = orderSchema.pick({ id: true, name: true, status: true, letters: true, created_at: true, updated_at: true, submitted_at: true }).extend({ kind: z.enum(['paper', 'electronic']), total_cents: z.number().int().nullable() });

export type OrderDto = z.infer<typeof orderSchema>;
export type ElectronicOrderDto = z.infer<typeof electronicOrderSchema>;
export type CreateOrderBody = z.infer<typeof paperOrderBody>;
export type CreateElectronicOrderBody = z.infer<typeof electronicOrderBody>;
export type EletterRecipient = z.infer<typeof eletterRecipientSchema>;
