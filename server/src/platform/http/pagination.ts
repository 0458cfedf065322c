import { z } from 'zod';
import { AppError } from '../../errors.js';
import { ID_PATTERN } from '../ids/ids.js';

/** Cursor pagination (api.md): `?limit=` (default 50, max 200) and an opaque `cursor`.
 * Ids are time-ordered, so the cursor is the last id seen, wrapped so clients treat it as opaque. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export type PageQuery = z.infer<typeof pageQuery>;

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && ID_PATTERN.test(parsed.after)) return parsed.after;
  } catch {
    // fall through to the clear error below
  }
  throw new AppError('validation_failed', 'http.cursor_invalid', {
    errors: [{ field: 'cursor', message: 'field.invalid' }],
  });
}

/** Given limit+1 rows (newest first), returns the page and the cursor to the next one. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): { data: T[]; next_cursor: string | null } {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, next_cursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

/** Every row of a keyset-paged query, `size` at a time, for an export that streams them all. */
export async function* allPages<T extends { id: string }>(page: (after: string | null, size: number) => Promise<T[]>, size = 1000): AsyncGenerator<T> {
  let after: string | null = null;
  for (;;) {
    const rows = await page(after, size);
    yield* rows;
    if (rows.length < size) return;
    after = rows[rows.length - 1]!.id;
  }
}
