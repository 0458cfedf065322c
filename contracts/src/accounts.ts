import { z } from 'zod';
import { ROLES } from '#domain/roles.js';
import { idOf, timestamp } from './common.js';

export const roleSchema = z.enum(ROLES);

export const meResponse = z
  .object({
    id: idOf('usr'),
    email: z.string(),
    name: z.string(),
    role: roleSchema,
    organisation: z.object({ id: idOf('org'), name: z.string() }),
  })
  .meta({ id: 'Me' });

export const apiKeySchema = z
  .object({
    id: idOf('key'),
    name: z.string(),
    created_at: timestamp,
    last_used_at: timestamp.nullable(),
    revoked_at: timestamp.nullable(),
  })
  .meta({ id: 'ApiKey' });

export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
});

export const createdApiKeySchema = apiKeySchema
  .extend({ key: z.string().meta({ description: 'The secret key. Shown once: Pli stores only its hash.' }) })
  .meta({ id: 'CreatedApiKey' });

export const healthResponse = z.object({ status: z.literal('ok') });

export type Me = z.infer<typeof meResponse>;
export type ApiKeyDto = z.infer<typeof apiKeySchema>;
