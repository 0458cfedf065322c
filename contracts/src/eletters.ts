import { z } from 'zod';
import { idOf, timestamp } from './common.js';

/**
 * E-letters (M-4): the recipient's routes (`/api/v1/recipient/…`, their own session, never a
 * user's) and the sender's evidence (`GET /api/v1/mailpieces/{id}/evidence`,
 * `GET /api/v1/evidence/{id}`).
 */
export const openRecipientSessionBody = z.strictObject({
  /** The secret part of the notification's link (…/r/{link}). */
  link: z.string().min(20).max(200),
  /** A simple letter's access code (1234-5678); a registered letter takes none. */
  code: z.string().max(20).optional(),
});

export const recipientStage = z.enum(['identity', 'second_factor', 'open']);

export const recipientSessionSchema = z
  .object({
    stage: recipientStage.meta({ description: 'identity: check the identity first (registered); second_factor: enter the text-message code; open' }),
    csrf_token: z.string().meta({ description: 'send back as X-CSRF-Token on every POST/DELETE' }),
    kind: z.enum(['simple', 'registered']),
    envoi: z.string(),
    status: z.string(),
    decision_closes_at: timestamp.nullable(),
  })
  .meta({ id: 'RecipientSession' });

export const newAccessCodeBody = z.strictObject({ link: z.string().min(20).max(200) });
export const textCodeBody = z.strictObject({ code: z.string().trim().regex(/^\d{6}$/, 'must be the 6 digits of the text message') });

export const recipientLetterSchema = z
  .object({
    envoi: z.string(),
    kind: z.enum(['simple', 'registered']),
    status: z.enum(['pending', 'notified', 'opened', 'accepted', 'refused', 'expired', 'fallback_paper']),
    recipient_name: z.string(),
    notified_at: timestamp.nullable(),
    decision_closes_at: timestamp.nullable().meta({ description: 'registered: accept or refuse before this instant (the end of D+15, Paris time)' }),
    sender: z.string().nullable().meta({ description: 'null until a registered letter is accepted' }),
    subject: z.string().nullable(),
    documents: z.array(z.object({ number: z.number().int(), filename: z.string(), pages: z.number().int().nullable(), sha256: z.string() })).nullable(),
  })
  .meta({ id: 'RecipientLetter' });

export const evidenceSchema = z
  .object({
    id: idOf('evd'),
    mailpiece: z.string(),
    envoi: z.string(),
    seq: z.number().int(),
    event: z.string().meta({ description: 'ETSI EN 319 522-2 event: SubmissionAcceptance, NotificationForAcceptance, ConsignmentAcceptance, …' }),
    at: timestamp,
    sha256: z.string(),
    previous: z.string().nullable(),
    record: z.string().meta({ description: 'the record as sealed (RFC 8785 JSON): `openssl cms -verify -binary -inform DER -in seal.der -content record.json`' }),
    seal: z.string().meta({ description: 'base64 DER CMS SignedData, detached, CAdES B-T' }),
    timestamp_token: z.string().meta({ description: 'base64 DER RFC 3161 token over the record: `openssl ts -verify -data record.json -in token.der -token_in`' }),
    journal_seq: z.number().int(),
    retain_until: z.iso.date(),
  })
  .meta({ id: 'Evidence' });
