import { z } from 'zod';
import { RETURN_REASONS } from '#domain/production/index.js';
import { idOf, timestamp } from './common.js';

/**
 * After the handover to La Poste (M-6.a): the returns desk (provider staff scan what comes back:
 * returned letters, AR cards), the client's returns list and counts, re-sending a returned letter
 * to a corrected address, the address book's flags, and the watchdog's list for the provider.
 */
export const returnReason = z.enum(RETURN_REASONS);
export const returnKind = z.enum(['returned', 'ar']);

/** A mailpiece as the desk sees it before recording what came back. */
export const deskMailpiece = z
  .object({
    id: idOf('mp'),
    status: z.string(),
    order: z.object({ id: idOf('ord'), name: z.string() }),
    organisation: z.object({ id: idOf('org'), name: z.string() }),
    recipient: z.object({ address: z.array(z.string()), country: z.string() }),
    tracking_number: z.string().nullable(),
    acknowledgement: z.boolean(),
    deposited_at: timestamp.nullable(),
    returned: z.object({ reason: returnReason, received_at: timestamp }).nullable(),
    ar_received_at: timestamp.nullable(),
  })
  .meta({ id: 'DeskMailpiece' });

export const deskLookupQuery = z.strictObject({ code: z.string().trim().min(1).max(200) });
export const deskSearchQuery = z.strictObject({ q: z.string().trim().min(2, 'Type at least two characters.').max(100) });

export const returnSchema = z
  .object({
    id: idOf('ret'),
    kind: returnKind,
    reason: returnReason.nullable(),
    mailpiece: z.object({ id: idOf('mp'), status: z.string(), recipient: z.object({ address: z.array(z.string()), country: z.string() }), tracking_number: z.string().nullable() }),
    order: z.object({ id: idOf('ord'), name: z.string() }),
    organisation: z.object({ id: idOf('org'), name: z.string() }),
    scan: z.object({ url: z.string(), content_type: z.string(), size_bytes: z.number().int(), filename: z.string() }),
    archive_item_id: idOf('arc').nullable(),
    resent_by: idOf('ord').nullable(),
    received_at: timestamp,
  })
  .meta({ id: 'MailpieceReturn' });

export const returnsListQuery = z.strictObject({
  kind: returnKind.optional(),
  reason: returnReason.optional(),
  order: idOf('ord').optional(),
  organisation: idOf('org').optional().meta({ description: 'provider staff: one client organisation' }),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const returnsList = z.object({ data: z.array(returnSchema), next_cursor: z.string().nullable() }).meta({ id: 'MailpieceReturnList' });

/** What became of the deposited letters, for an order or the whole organisation. */
export const handoverSummary = z
  .object({
    deposited: z.number().int().meta({ description: 'paper mailpieces handed to La Poste (whatever happened next)' }),
    delivered: z.number().int(),
    returned: z.object({ total: z.number().int(), address_error: z.number().int(), not_claimed: z.number().int(), refused: z.number().int() }),
    ar_received: z.number().int(),
  })
  .meta({ id: 'HandoverSummary' });

export const summaryQuery = z.strictObject({ order: idOf('ord').optional(), organisation: idOf('org').optional().meta({ description: 'provider staff: one client organisation' }) });
export const exportQuery = z.strictObject({ kind: returnKind.optional(), reason: returnReason.optional(), order: idOf('ord').optional(), organisation: idOf('org').optional() });

export const resendBody = z.strictObject({
  address: z.array(z.string().trim().max(100)).min(2).max(7),
  country: z.string().trim().length(2).toUpperCase().default('FR'),
});

export const addressFlag = z
  .object({
    id: idOf('adf'),
    address: z.object({ lines: z.array(z.string()), country: z.string() }),
    reason: returnReason,
    mailpiece_id: idOf('mp'),
    flagged_at: timestamp,
  })
  .meta({ id: 'AddressFlag' });

export const chaseItem = z
  .object({
    kind: z.enum(['no_delivery', 'no_ar']),
    flagged_at: timestamp,
    mailpiece: deskMailpiece,
    last_event: z.object({ code: z.string(), label: z.string(), at: timestamp }).nullable(),
  })
  .meta({ id: 'ChaseItem' });

export const inboxFileSchema = z.object({ name: z.string(), size_bytes: z.number().int(), modified_at: timestamp }).meta({ id: 'ReturnsInboxFile' });

export type InboxFileDto = z.infer<typeof inboxFileSchema>;
export type DeskMailpieceDto = z.infer<typeof deskMailpiece>;
export type ReturnDto = z.infer<typeof returnSchema>;
export type HandoverSummaryDto = z.infer<typeof handoverSummary>;
export type AddressFlagDto = z.infer<typeof addressFlag>;
export type ChaseItemDto = z.infer<typeof chaseItem>;
