import { z } from 'zod';
import { idOf, timestamp } from './common.js';
import { roleSchema } from './accounts.js';

/**
 * Organisations, contracts, people and the account import (spec §2).
 *
 * Routes:
 *   GET    /api/v1/organisations?limit&cursor&query        provider staff → page of organisationSchema
 *   POST   /api/v1/organisations      createOrganisationBody  provider_admin → 201 organisationSchema
 *   GET    /api/v1/organisations/{id}                       staff, or a client admin for their own → organisationSchema
 *   PATCH  /api/v1/organisations/{id} updateOrganisationBody  provider_admin → organisationSchema
 *   POST   /api/v1/organisations/{id}/suspend   provider_admin → organisationSchema (its people can no longer sign in)
 *   POST   /api/v1/organisations/{id}/reactivate provider_admin → organisationSchema
 *   GET    /api/v1/users?organisation=&status=&limit&cursor  client admin: own organisation; staff: any → page of userSchema
 *   POST   /api/v1/users              inviteUserBody  client_admin (own organisation, client roles) or provider_admin → 201 userSchema (activation e-mail sent)
 *   GET    /api/v1/users/{id}                              → userSchema
 *   POST   /api/v1/users/{id}/deactivate                   → userSchema (their sessions and API keys stop at once)
 *   POST   /api/v1/users/{id}/reactivate                   → userSchema
 *   POST   /api/v1/users/{id}/resend-invitation            → 202 (invited users only)
 *   POST   /api/v1/organisations/{id}/account-imports   multipart field `file` (CSV or XLSX) provider_admin → 201 accountImportSchema (status 'previewed': nothing written yet)
 *   GET    /api/v1/organisations/{id}/account-imports/{importId}  → accountImportSchema
 *   POST   /api/v1/organisations/{id}/account-imports/{importId}/apply → accountImportSchema (status 'applied', rows with their outcome)
 *   GET    /api/v1/outbox?limit&cursor      provider staff → page of outboxMessageSchema (every e-mail Pli sent)
 *   GET    /api/v1/outbox/{id}              → outboxMessageSchema with text_body
 */
export const contractOptionsSchema = z.strictObject({
  undelivered_mail: z.boolean(),
  simple_archive: z.boolean(),
  electronic_archive: z.boolean(),
  user_assistance: z.boolean(),
});

const isoDate = z.iso.date();

export const contractSchema = z.object({
  starts_on: isoDate,
  ends_on: isoDate.nullable(),
  onboarding_ends_on: isoDate.nullable(),
  options: contractOptionsSchema,
});

export const organisationSchema = z
  .object({
    id: idOf('org'),
    kind: z.enum(['provider', 'client']),
    name: z.string(),
    status: z.enum(['active', 'suspended']),
    contract: contractSchema.nullable(),
    user_count: z.number().int(),
    created_at: timestamp,
  })
  .meta({ id: 'Organisation' });

const contractInput = z
  .strictObject({
    starts_on: isoDate,
    ends_on: isoDate.nullable().default(null),
    onboarding_ends_on: isoDate.nullable().default(null),
    options: contractOptionsSchema,
  })
  // `params.message` names the server's sentence for the refusal, written in the caller's language.
  .refine((c) => c.ends_on === null || c.ends_on >= c.starts_on, { message: 'must not end before it starts', path: ['ends_on'], params: { message: 'field.ends_before_start' } })
  .refine((c) => c.onboarding_ends_on === null || c.onboarding_ends_on >= c.starts_on, { message: 'must not end before the contract starts', path: ['onboarding_ends_on'], params: { message: 'field.ends_before_contract' } });

export const createOrganisationBody = z.strictObject({
  name: z.string().trim().min(2, 'must be at least 2 characters').max(200),
  contract: contractInput,
});

export const updateOrganisationBody = z.strictObject({
  name: z.string().trim().min(2).max(200).optional(),
  contract: contractInput.optional(),
});

export const userSchema = z
  .object({
    id: idOf('usr'),
    organisation_id: idOf('org'),
    email: z.string(),
    name: z.string(),
    role: roleSchema,
    status: z.enum(['invited', 'active', 'deactivated']),
    totp_enabled: z.boolean(),
    created_at: timestamp,
  })
  .meta({ id: 'User' });

export const inviteUserBody = z.strictObject({
  organisation_id: idOf('org').optional(),
  email: z.email('must be an e-mail address').max(254),
  name: z.string().trim().min(1).max(200),
  role: roleSchema,
});

export const importRowOutcome = z.enum(['create', 'already_present', 'error', 'created']);

export const accountImportRowSchema = z.object({
  line: z.number().int(),
  name: z.string(),
  email: z.string(),
  role: roleSchema.nullable(),
  outcome: importRowOutcome,
  /** Why the row is refused (outcome 'error'), in the user's language on the web side via `code`. */
  reason: z.string().nullable(),
  code: z.string().nullable(),
});

export const accountImportSchema = z
  .object({
    id: z.string(),
    organisation_id: idOf('org'),
    filename: z.string(),
    status: z.enum(['previewed', 'applied']),
    created_at: timestamp,
    applied_at: timestamp.nullable(),
    summary: z.object({ create: z.number().int(), already_present: z.number().int(), error: z.number().int(), created: z.number().int() }),
    rows: z.array(accountImportRowSchema),
  })
  .meta({ id: 'AccountImport' });

export const outboxMessageSchema = z
  .object({
    id: z.string(),
    to: z.string(),
    subject: z.string(),
    template: z.string().nullable(),
    status: z.enum(['queued', 'sent', 'failed']),
    transport: z.enum(['smtp', 'outbox']).nullable(),
    created_at: timestamp,
    sent_at: timestamp.nullable(),
    text_body: z.string().optional(),
  })
  .meta({ id: 'OutboxMessage' });

export type Organisation = z.infer<typeof organisationSchema>;
export type UserDto = z.infer<typeof userSchema>;
export type AccountImport = z.infer<typeof accountImportSchema>;
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;
