import { z } from 'zod';
import { FLOOR_STEPS } from '#domain/production/index.js';
import { idOf, timestamp } from './common.js';

/**
 * The production floor's API (provider staff): the intake queue and the decision on each order,
 * print batches and their files, scanning, reprints, and the floor's settings.
 */
export const intakeItem = z
  .object({
    id: idOf('ord'),
    name: z.string(),
    organisation: z.object({ id: idOf('org'), name: z.string() }),
    letters: z.number().int(),
    total_cents: z.number().int().nullable(),
    options: z.object({ color: z.string(), sides: z.string(), envelope: z.string(), mail_class: z.string() }),
    submitted_at: timestamp,
  })
  .meta({ id: 'IntakeItem' });

export const refuseBody = z.strictObject({
  reason: z.string().trim().min(3, 'Say why, in a sentence the client will read.').max(500),
});

export const batchStatus = z.enum(['building', 'ready_to_print', 'printed', 'inserted', 'franked', 'deposited']);

export const batchSchema = z
  .object({
    id: idOf('bat'),
    number: z.number().int(),
    status: batchStatus,
    attributes: z.object({
      color: z.string(),
      sides: z.string(),
      envelope: z.string(),
      mail_class: z.string(),
      registered_level: z.string().nullable(),
      acknowledgement: z.boolean(),
      background: z.boolean(),
    }),
    mailpieces: z.number().int(),
    sheets: z.number().int(),
    closed_at: timestamp.nullable(),
    print_files: z.array(z.object({ part: z.number().int(), sheets: z.number().int(), pages: z.number().int(), url: z.string() })),
    ticket_url: z.string().nullable(),
    labels_url: z.string().nullable().meta({ description: 'registered batches: the coupons (and AR cards) to print' }),
    postage_cents: z.number().int().nullable().meta({ description: 'franked postage of the batch, once franked' }),
    deposit_slip: z.object({ url: z.string(), prepared_at: timestamp, confirmed_at: timestamp.nullable() }).nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Batch' });

export const batchDetail = batchSchema
  .extend({
    by_status: z.record(z.string(), z.number().int()),
    orders: z.array(z.object({ id: idOf('ord'), name: z.string(), organisation: z.string(), mailpieces: z.number().int() })),
    events: z.array(z.object({ type: z.string(), at: timestamp, detail: z.record(z.string(), z.unknown()) })),
  })
  .meta({ id: 'BatchDetail' });

export const buildBatchesBody = z.strictObject({
  close: z.boolean().default(true).meta({ description: 'close the open batches too (their print files are then made)' }),
});

export const buildBatchesResult = z.object({
  assigned: z.number().int(),
  batches: z.array(batchSchema),
  held: z.array(z.object({ batch_id: idOf('bat'), reason: z.string() })).meta({ description: 'batches that stay open, and why (registered numbers missing)' }),
});

export const floorStep = z.enum(FLOOR_STEPS);

export const scanBody = z.strictObject({
  code: z.string().trim().min(1).max(200).meta({ description: 'what the scanner typed: a batch (bat_… or B123), a sheet mark (B12M3S1/2) or a mailpiece id (mp_…)' }),
  step: floorStep,
});

export const scanResult = z
  .object({
    kind: z.enum(['batch', 'mailpiece']),
    id: z.string(),
    label: z.string(),
    step: floorStep,
    moved: z.number().int().meta({ description: 'mailpieces that moved to this step' }),
    orders: z.array(z.object({ id: idOf('ord'), status: z.string() })),
  })
  .meta({ id: 'ScanResult' });

export const reprintBody = z.strictObject({
  code: z.string().trim().min(1).max(200).meta({ description: 'the mailpiece: a sheet mark (B12M3S1/2) or its id (mp_…)' }),
  reason: z.string().trim().min(3).max(500),
});
export const reprintResult = z.object({ mailpiece_id: z.string(), label: z.string(), sheets: z.number().int(), url: z.string() });

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 15:30');
export const floorSettingsSchema = z
  .strictObject({
    auto_accept: z.boolean(),
    batch: z.strictObject({ max_mailpieces: z.number().int().min(1).max(100_000), max_sheets: z.number().int().min(1).max(1_000_000) }),
    cutoffs: z.array(hhmm).max(24),
    print_file_part_sheets: z.number().int().min(50).max(100_000),
    // After the handover (M-6.a): days after the deposit before the watchdog flags a registered letter.
    chase: z.strictObject({ delivery_days: z.number().int().min(1).max(90), ar_days: z.number().int().min(1).max(180) }).optional(),
  })
  .meta({ id: 'FloorSettings' });

export const registeredRangeSchema = z
  .object({
    id: z.string(),
    prefix: z.string(),
    first: z.string(),
    last: z.string(),
    next: z.string().nullable(),
    left: z.number().int(),
    status: z.enum(['ready', 'active', 'used_up', 'withdrawn']),
    created_at: timestamp,
  })
  .meta({ id: 'RegisteredRange' });

export const addRangeBody = z.strictObject({
  prefix: z.string().regex(/^[0-9A-Z]{2}$/, 'two capital letters or digits, as on La Poste’s allotment'),
  first: z.number().int().min(0).max(9_999_999_999),
  last: z.number().int().min(0).max(9_999_999_999),
});

export const depositSlipItem = z.object({ batch_number: z.number().int(), mailpieces: z.number().int(), deposited_at: timestamp.nullable(), url: z.string() }).meta({ id: 'DepositSlip' });

export type FloorSettingsDto = z.infer<typeof floorSettingsSchema>;
export type BatchDto = z.infer<typeof batchSchema>;
