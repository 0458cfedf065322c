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

export const createOrderBody = z.strictObject({
  kind: z.literal('paper'),
  name: z.string().trim().min(1).max(200),
  documents: z.array(idOf('doc')).min(1, 'must list at least the letter').max(20),
  options: paperOptions,
  address_source: z.enum(['document', 'recipients']),
  split: splitSchema.nullable().default(null),
  recipients: z.array(recipientSchema).max(10_000).default([]),
});

export const updateOrderBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  documents: z.array(idOf('doc')).min(1).max(20).optional(),
  options: paperOptions.optional(),
  address_source: z.enum(['document', 'recipients']).optional(),
  split: splitSchema.nullable().optional(),
  recipients: z.array(recipientSchema).max(10_000).optional(),
});

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

export const orderListItem = orderSchema.pick({ id: true, kind: true, name: true, status: true, letters: true, created_at: true, updated_at: true, submitted_at: true }).extend({ total_cents: z.number().int().nullable() });

export type OrderDto = z.infer<typeof orderSchema>;
export type CreateOrderBody = z.infer<typeof createOrderBody>;
