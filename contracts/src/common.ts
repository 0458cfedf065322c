import { z } from 'zod';

/** Wire-format building blocks shared by the API (validation, OpenAPI) and the web app. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    request_id: z.string().optional(),
  })
  // Some problems carry more (e.g. locked_until): RFC 9457 extension members pass through.
  .loose()
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export const timestamp = z.iso.datetime({ offset: true }).meta({ description: 'RFC 3339, UTC' });

export const idOf = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[0-9a-z]{26}$`), `must be an id starting with ${prefix}_`);
