import { z } from 'zod';
import { idOf, timestamp } from './common.js';

/**
 * Archive (api.md): `POST /api/v1/archive` (multipart: `file`, `retention_years`, optional
 * `title`, `tags`), the list with `?query=`, an item, its content byte for byte, its audit trail,
 * its proof bundle; retention, legal hold and the two-step destruction.
 */
export const RETENTION_CHOICES = [1, 3, 5, 10, 30] as const;
export const retentionYears = z.union(RETENTION_CHOICES.map((n) => z.literal(n)) as [z.ZodLiteral<1>, z.ZodLiteral<3>, z.ZodLiteral<5>, z.ZodLiteral<10>, z.ZodLiteral<30>]);

export const ARCHIVE_KINDS = ['deposit', 'sent_file', 'deposit_slip', 'proof_of_receipt', 'returned_letter'] as const;

export const archiveItemSchema = z
  .object({
    id: idOf('arc'),
    tier: z.enum(['simple', 'electronic']),
    kind: z.enum(ARCHIVE_KINDS),
    status: z.enum(['kept', 'destruction_proposed', 'destroyed']),
    title: z.string(),
    filename: z.string(),
    content_type: z.string(),
    tags: z.array(z.string()),
    fields: z.record(z.string(), z.string()),
    sha256: z.string().meta({ description: 'SHA-256 of the archived bytes, lowercase hex' }),
    sha3_256: z.string().meta({ description: 'SHA3-256 of the archived bytes, lowercase hex' }),
    size_bytes: z.number().int(),
    deposited_at: timestamp,
    deposited_by: z.string().nullable(),
    order_id: z.string().nullable(),
    retention_years: z.number().int().nullable(),
    retain_until: timestamp.nullable(),
    timestamp_token: z.string().nullable().meta({ description: 'RFC 3161 token over the SHA-256 (base64 DER); `openssl ts -verify` checks it' }),
    timestamped_at: timestamp.nullable(),
    legal_hold: z.object({ reason: z.string(), since: timestamp }).nullable(),
    destruction: z
      .object({ proposed_at: timestamp, approvable_from: timestamp, destroyed_at: timestamp.nullable() })
      .nullable(),
  })
  .meta({ id: 'ArchiveItem' });

export const archiveListQuery = z.object({
  query: z.string().max(200).optional(),
  tier: z.enum(['simple', 'electronic']).optional(),
  kind: z.enum(ARCHIVE_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const archiveListSchema = z.object({ data: z.array(archiveItemSchema), next_cursor: z.string().nullable() });

export const archiveEventSchema = z
  .object({
    seq: z.number().int().meta({ description: 'Position in the trust journal' }),
    kind: z.string(),
    at: timestamp,
    by: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'ArchiveEvent' });

export const archiveEventsSchema = z.object({ data: z.array(archiveEventSchema) });

export const updateArchiveBody = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
  fields: z.record(z.string().trim().min(1).max(50), z.string().max(500)).optional(),
});

export const extendRetentionBody = z.strictObject({ retention_years: retentionYears });
export const legalHoldBody = z.strictObject({ reason: z.string().trim().min(3).max(500) });
export const contentQuery = z.object({ disposition: z.enum(['inline', 'attachment']).default('attachment') });

export type ArchiveItemDto = z.infer<typeof archiveItemSchema>;
export type ArchiveEventDto = z.infer<typeof archiveEventSchema>;
