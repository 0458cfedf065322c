import { z } from 'zod';
import { idOf, timestamp } from './common.js';

/**
 * Documents (api.md): `POST /api/v1/documents` (multipart field `file`) → 201 ready (PDF) or
 * 202 converting (office file); `GET /api/v1/documents/{id}`, `/content` (the stored PDF, byte
 * for byte), `/preview?page=1&window=1` (PNG).
 */
export const addressProblemSchema = z.object({
  code: z.string(),
  line: z.number().int().nullable(),
  message: z.string(),
  suggestion: z.string().optional(),
  /** Errors block an order whose address comes from the document; warnings let it through. */
  severity: z.enum(['error', 'warning']).optional(),
});

export const documentSchema = z
  .object({
    id: idOf('doc'),
    status: z.enum(['converting', 'ready', 'failed']),
    filename: z.string(),
    sha256: z.string().nullable().meta({ description: 'SHA-256 of the stored PDF (for office files: of the converted PDF)' }),
    source_sha256: z.string().nullable().meta({ description: 'SHA-256 of the uploaded file' }),
    pages: z.number().int().nullable(),
    page_size: z.literal('A4').nullable(),
    size_bytes: z.number().int().nullable(),
    address: z.object({ lines: z.array(z.string()), problems: z.array(addressProblemSchema) }).nullable(),
    warnings: z.array(z.string()),
    failure_reason: z.string().nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'Document' });

export const previewQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  window: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
});

export type DocumentDto = z.infer<typeof documentSchema>;
