import { z } from 'zod';
import { idOf, timestamp } from './common.js';

/**
 * Tariffs, effective-dated (spec §8–9): `GET /api/v1/tariffs?organisation=` (provider staff; a
 * client administrator sees the ones that apply to them), `POST /api/v1/tariffs` (provider
 * administrator: a new tariff from a date; tariffs are never edited in place, so past quotes and
 * invoices keep their prices).
 */
const cents = z.number().int().min(0).max(10_000_000);
const steps = z.record(z.string().regex(/^\d+k?g$/), cents);

export const tariffBody = z.strictObject({
  effectiveFrom: z.iso.date(),
  currency: z.literal('EUR'),
  lines: z.strictObject({
    printPageBw: cents,
    printPageColor: cents,
    sheet: cents,
    insertion: z.strictObject({ C4: cents, C5: cents, 'C5/6': cents }),
    carrierSheet: cents,
    backgroundPage: cents,
    registered: z.strictObject({ R1: cents, R2: cents, R3: cents }),
    acknowledgement: cents,
    postage: z.strictObject({ priority: steps, non_priority: steps, registered: steps }),
    archivePerDocumentYear: z.strictObject({ simple: cents, electronic: cents }),
    eletter: z.strictObject({ simple: cents, registered: cents }).optional(),
  }),
  vat: z.strictObject({ services: z.number().int().min(0).max(10_000), postage: z.number().int().min(0).max(10_000) }),
  vatCategory: z.record(z.string(), z.enum(['services', 'postage'])),
});

export const createTariffBody = z.strictObject({
  organisation_id: idOf('org').nullable().default(null),
  tariff: tariffBody,
});

export const tariffRecord = z
  .object({ id: z.string(), organisation_id: idOf('org').nullable(), effective_from: z.iso.date(), tariff: tariffBody, created_at: timestamp })
  .meta({ id: 'Tariff' });
