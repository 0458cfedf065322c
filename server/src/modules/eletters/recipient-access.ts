import type { Readable } from 'node:stream';
import { decisionClosesAt, refuseDecision, type EletterStatus } from '#domain/eletters/eletter.js';
import { parisDay } from '#domain/time/paris.js';
import { AppError, message } from '../../errors.js';
import { inScope, systemScope, type Tx } from '../../platform/db/scope.js';
import { hashSecret, randomSecret, secretMatches } from '../../platform/crypto/secrets.js';
import { recipientScope, type RecipientPrincipal } from '../../platform/http/principal.js';
import { IdentityCheckFailed, type IdentityCheck, type VerifiedIdentity } from '../../platform/identity/identity.port.js';
import type { EletterDeps, EletterRow } from './eletters.js';
import { signInText } from './emails.js';
import { appendEvidence, changeEletterStatus, letterContext, lockedStatus } from './lifecycle.js';
import { accessCodeHash, defaultTextCode, linkToken } from './links.js';
import { NOTIFICATION_TEMPLATE } from './sending.js';

/**
 * A recipient's way in (M-4.3), a principal of its own, never a user:
 * - simple letters: the notification's link and its access code — single use, hashed, five wrong
 *   codes lock the letter for 15 minutes and ten void the code (a new one goes to the recipient's
 *   mailbox only, so guessing never ends in a success);
 * - registered letters: the link, an identity check by the identity provider (bound to the letter
 *   at first access), then a 6-digit code by text message — two factors of different kinds.
 * A session opens the one letter it was opened for, for two hours.
 */
export const RECIPIENT_COOKIE = 'pli_recipient';
const SESSION_MS = 2 * 3600_000;
export const LOCK_EVERY = 5;
export const LOCK_MS = 15 * 60_000;
export const VOID_AFTER = 10;
const TEXT_CODE_MS = 10 * 60_000;
const TEXT_CODE_TRIES = 5;
const NEW_CODE_EVERY_MS = 5 * 60_000;

export interface OpenedSession {
  token: string;
  csrfToken: string;
  stage: RecipientPrincipal['stage'];
}

async function letterByLink(tx: Tx, deps: EletterDeps, link: string): Promise<EletterRow> {
  const letter = await tx.selectFrom('eletters').selectAll().where('link_hash', '=', hashSecret(link)).forUpdate().executeTakeFirst();
  // Derived links: a hash that matches is a link we made (constant-time compare all the same).
  if (!letter || !secretMatches(linkToken(deps.linkKey, letter.mailpiece_id), letter.link_hash)) throw new AppError('not_found', 'recipient.link_invalid');
  return letter;
}

function refuseGone(status: EletterStatus): void {
  if (status === 'pending') throw new AppError('conflict', 'recipient.not_notified');
  if (status === 'expired' || status === 'fallback_paper') throw new AppError('conflict', 'recipient.letter_gone');
}

async function newSession(tx: Tx, deps: EletterDeps, letter: EletterRow, stage: RecipientPrincipal['stage']): Promise<OpenedSession> {
  const token = randomSecret();
  const csrfToken = randomSecret();
  const now = deps.clock.now();
  await tx
    .insertInto('recipient_sessions')
    .values({ id: deps.ids.next('rcs'), organisation_id: letter.organisation_id, mailpiece_id: letter.mailpiece_id, token_hash: hashSecret(token), csrf_token: csrfToken, stage, created_at: now, expires_at: new Date(now.getTime() + SESSION_MS) })
    .execute();
  return { token, csrfToken, stage };
}

type Attempt = { ok: OpenedSession } | { refused: AppError };

/**
 * Opens a simple letter with its link and access code. Wrong codes count, in the letter's row,
 * locked: concurrent guesses each count. The refusal is thrown after the count commits.
 */
export async function openWithCode(deps: EletterDeps, link: string, code: string): Promise<OpenedSession> {
  const result = await inScope<Attempt>(deps.db, systemScope, async (tx) => {
    const letter = await letterByLink(tx, deps, link);
    if (letter.kind === 'registered') return { refused: new AppError('bad_request', 'recipient.code_not_needed') };
    const status = await lockedStatus(tx, letter.mailpiece_id);
    refuseGone(status);
    const now = deps.clock.now();
    if (letter.locked_until && new Date(letter.locked_until) > now) return { refused: new AppError('account_locked', message('recipient.code_locked', { time: new Date(letter.locked_until).toISOString() })) };
    if (letter.code_hash === null) return { refused: new AppError('token_used', 'recipient.code_void') };
    if (!secretMatches(`eletter-code:${letter.mailpiece_id}:${code.replace(/\D/g, '')}`, letter.code_hash)) {
      const failed = letter.failed_attempts + 1;
      const voided = failed >= VOID_AFTER;
      await tx
        .updateTable('eletters')
        .set({ failed_attempts: failed, ...(failed % LOCK_EVERY === 0 ? { locked_until: new Date(now.getTime() + LOCK_MS) } : {}), ...(voided ? { code_hash: null } : {}) })
        .where('mailpiece_id', '=', letter.mailpiece_id)
        .execute();
      return { refused: voided ? new AppError('token_used', 'recipient.code_void') : new AppError('totp_invalid', message('recipient.code_wrong', { count: VOID_AFTER - failed })) };
    }
    // Single use: the code opened a session, it opens nothing more.
    await tx.updateTable('eletters').set({ code_hash: null, code_used_at: now, failed_attempts: 0, locked_until: null }).where('mailpiece_id', '=', letter.mailpiece_id).execute();
    if (status === 'notified') {
      await changeEletterStatus(tx, deps, letter, 'notified', 'open', { next_reminder_at: null, deadline_at: null });
      await appendEvidence(tx, deps, letter, await letterContext(tx, letter.order_id), 'download', now, { access: 'opened' });
    }
    return { ok: await newSession(tx, deps, letter, 'open') };
  });
  if ('refused' in result) throw result.refused;
  return result.ok;
}

/** A simple letter's new access code, to the recipient's mailbox only; one every 5 minutes. */
export async function sendNewCode(deps: EletterDeps, link: string, code: string): Promise<void> {
  await inScope(deps.db, systemScope, async (tx) => {
    const letter = await letterByLink(tx, deps, link);
    if (letter.kind === 'registered') throw new AppError('bad_request', 'recipient.code_not_needed');
    refuseGone(await lockedStatus(tx, letter.mailpiece_id));
    const now = deps.clock.now();
    const recent = await tx
      .selectFrom('outbox_messages')
      .select('created_at')
      .where('to_address', '=', letter.recipient_email)
      .where('template', '=', 'eletter.code')
      .where('created_at', '>', new Date(now.getTime() - NEW_CODE_EVERY_MS))
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    if (recent) throw new AppError('rate_limited', message('recipient.new_code_wait', { time: new Date(new Date(recent.created_at).getTime() + NEW_CODE_EVERY_MS).toISOString() }));
    await tx.updateTable('eletters').set({ code_hash: accessCodeHash(letter.mailpiece_id, code), failed_attempts: 0, locked_until: null }).where('mailpiece_id', '=', letter.mailpiece_id).execute();
    await deps.mail.queue(tx, {
      organisationId: letter.organisation_id,
      to: letter.recipient_email,
      subject: `Votre nouveau code d’accès / Your new access code (${letter.envoi})`,
      text: `Votre nouveau code d’accès (il ne sert qu’une fois) : ${code}\nYour new access code (it works once): ${code}`,
      template: 'eletter.code',
    });
  });
}

/** A registered letter's first step: the link opens a session that can only start the identity check. */
export async function openRegistered(deps: EletterDeps, link: string): Promise<OpenedSession> {
  return inScope(deps.db, systemScope, async (tx) => {
    const letter = await letterByLink(tx, deps, link);
    // A simple letter opens with its code: the page asks for it.
    if (letter.kind !== 'registered') throw new AppError('bad_request', 'recipient.code_required');
    refuseGone(await lockedStatus(tx, letter.mailpiece_id));
    return newSession(tx, deps, letter, 'identity');
  });
}

/** The recipient authenticator: a live session's cookie → its principal. */
export async function authenticateRecipient(deps: Pick<EletterDeps, 'db' | 'clock'>, token: string): Promise<RecipientPrincipal | null> {
  const s = await inScope(deps.db, systemScope, (tx) =>
    tx.selectFrom('recipient_sessions').select(['id', 'mailpiece_id', 'organisation_id', 'stage', 'csrf_token', 'expires_at', 'ended_at']).where('token_hash', '=', hashSecret(token)).executeTakeFirst(),
  );
  if (!s || s.ended_at !== null || new Date(s.expires_at) <= deps.clock.now()) return null;
  return { kind: 'recipient', sessionId: s.id, mailpieceId: s.mailpiece_id, organisationId: s.organisation_id, stage: s.stage, csrfToken: s.csrf_token };
}

export async function endRecipientSession(deps: EletterDeps, principal: RecipientPrincipal): Promise<void> {
  await inScope(deps.db, recipientScope(principal), (tx) => tx.updateTable('recipient_sessions').set({ ended_at: deps.clock.now() }).where('id', '=', principal.sessionId).execute());
}

function identityProvider(deps: EletterDeps) {
  if (!deps.identity) throw new AppError('unavailable', 'recipient.identity_unavailable');
  return deps.identity;
}

/** Where the identity provider sends the recipient back. */
export const identityCallback = (publicUrl: string) => `${publicUrl.replace(/\/$/, '')}/api/v1/recipient/identity/callback`;

export async function startIdentityCheck(deps: EletterDeps, principal: RecipientPrincipal): Promise<string> {
  const started = await identityProvider(deps).start(identityCallback(deps.publicUrl));
  await inScope(deps.db, recipientScope(principal), (tx) =>
    tx.updateTable('recipient_sessions').set({ identity_check: JSON.stringify(started.check) }).where('id', '=', principal.sessionId).where('stage', '=', 'identity').execute(),
  );
  return started.url;
}

/** Letters and accents aside, lower case: how a name is compared with the recipient's. */
const folded = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim();

/** The person is the recipient: at first access, their family name is among the recipient's
 * name's words (given names vary — "Jean-Pierre", "J.-P."); later, the same identity again. */
export function sameRecipient(letter: Pick<EletterRow, 'recipient_name' | 'identity'>, who: VerifiedIdentity): boolean {
  const bound = letter.identity as { issuer?: string; subject?: string } | null;
  if (bound) return bound.issuer === who.issuer && bound.subject === who.subject;
  const words = ` ${folded(letter.recipient_name)} `;
  const family = folded(who.familyName);
  return family.length > 0 && words.includes(` ${family} `);
}

/**
 * The identity provider's answer: checked, compared with the recipient, bound to the letter at
 * first access; then the text-message code goes to the recipient's phone.
 */
export async function finishIdentityCheck(deps: EletterDeps, principal: RecipientPrincipal, callbackUrl: URL): Promise<void> {
  const session = await inScope(deps.db, recipientScope(principal), (tx) => tx.selectFrom('recipient_sessions').select(['identity_check', 'stage']).where('id', '=', principal.sessionId).executeTakeFirstOrThrow());
  if (session.stage !== 'identity' || !session.identity_check) throw new AppError('unauthenticated', 'recipient.identity_required');
  let who: VerifiedIdentity;
  try {
    who = await identityProvider(deps).finish(callbackUrl, session.identity_check as unknown as IdentityCheck, identityCallback(deps.publicUrl));
  } catch (err) {
    if (err instanceof IdentityCheckFailed) throw new AppError('unauthenticated', message('recipient.identity_failed', { reason: err.reason }), { cause: err });
    throw err;
  }
  await inScope(deps.db, recipientScope(principal), async (tx) => {
    const letter = await tx.selectFrom('eletters').selectAll().where('mailpiece_id', '=', principal.mailpieceId).forUpdate().executeTakeFirstOrThrow();
    if (!sameRecipient(letter, who)) throw new AppError('forbidden', 'recipient.identity_mismatch');
    if (!letter.identity) {
      await tx
        .updateTable('eletters')
        .set({ identity: JSON.stringify({ issuer: who.issuer, subject: who.subject, given_name: who.givenName, family_name: who.familyName, birthdate: who.birthdate, acr: who.acr, verified_at: deps.clock.now().toISOString() }) })
        .where('mailpiece_id', '=', letter.mailpiece_id)
        .execute();
    }
    await sendTextCode(tx, deps, principal, letter);
  });
}

async function sendTextCode(tx: Tx, deps: EletterDeps, principal: RecipientPrincipal, letter: EletterRow): Promise<void> {
  const code = deps.codes?.textCode() ?? defaultTextCode();
  const now = deps.clock.now();
  await tx
    .updateTable('recipient_sessions')
    .set({ stage: 'second_factor', identity_check: null, otp_hash: hashSecret(`${principal.sessionId}:${code}`), otp_expires_at: new Date(now.getTime() + TEXT_CODE_MS), otp_attempts: 0 })
    .where('id', '=', principal.sessionId)
    .execute();
  await deps.mail.queueText(tx, { organisationId: letter.organisation_id, to: letter.recipient_phone!, text: signInText(code), template: 'eletter.sign_in_code' });
}

/** A new text-message code (the first one lost or expired): once a minute at most. */
export async function resendTextCode(deps: EletterDeps, principal: RecipientPrincipal): Promise<void> {
  await inScope(deps.db, recipientScope(principal), async (tx) => {
    const s = await tx.selectFrom('recipient_sessions').select(['stage', 'otp_expires_at']).where('id', '=', principal.sessionId).forUpdate().executeTakeFirstOrThrow();
    if (s.stage !== 'second_factor') throw new AppError('forbidden', 'recipient.identity_required');
    const sentAt = s.otp_expires_at ? new Date(s.otp_expires_at).getTime() - TEXT_CODE_MS : 0;
    if (deps.clock.now().getTime() - sentAt < 60_000) throw new AppError('rate_limited', message('recipient.new_code_wait', { time: new Date(sentAt + 60_000).toISOString() }));
    const letter = await tx.selectFrom('eletters').selectAll().where('mailpiece_id', '=', principal.mailpieceId).executeTakeFirstOrThrow();
    await sendTextCode(tx, deps, principal, letter);
  });
}

export async function checkTextCode(deps: EletterDeps, principal: RecipientPrincipal, code: string): Promise<void> {
  const result = await inScope(deps.db, recipientScope(principal), async (tx): Promise<AppError | null> => {
    const s = await tx.selectFrom('recipient_sessions').select(['stage', 'otp_hash', 'otp_expires_at', 'otp_attempts']).where('id', '=', principal.sessionId).forUpdate().executeTakeFirstOrThrow();
    if (s.stage !== 'second_factor') return new AppError('forbidden', 'recipient.identity_required');
    if (!s.otp_hash || !s.otp_expires_at || new Date(s.otp_expires_at) <= deps.clock.now() || s.otp_attempts >= TEXT_CODE_TRIES) return new AppError('token_expired', 'recipient.text_code_expired');
    if (!secretMatches(`${principal.sessionId}:${code.trim()}`, s.otp_hash)) {
      await tx.updateTable('recipient_sessions').set({ otp_attempts: s.otp_attempts + 1 }).where('id', '=', principal.sessionId).execute();
      const left = TEXT_CODE_TRIES - s.otp_attempts - 1;
      return left > 0 ? new AppError('totp_invalid', message('recipient.text_code_wrong', { count: left })) : new AppError('token_expired', 'recipient.text_code_expired');
    }
    await tx.updateTable('recipient_sessions').set({ stage: 'open', otp_hash: null, otp_expires_at: null }).where('id', '=', principal.sessionId).execute();
    return null;
  });
  if (result) throw result;
}

export interface RecipientLetterView {
  envoi: string;
  kind: 'simple' | 'registered';
  status: EletterStatus;
  recipientName: string;
  notifiedAt: Date | null;
  decisionClosesAt: Date | null;
  /** Null until a registered letter is accepted: nothing of the sender shows before (CPCE R.53-2). */
  sender: string | null;
  subject: string | null;
  documents: Array<{ number: number; filename: string; pages: number | null; sha256: string }> | null;
}

function revealed(letter: EletterRow, status: EletterStatus): boolean {
  return letter.kind === 'simple' ? status === 'opened' : status === 'accepted';
}

async function viewOf(tx: Tx, letter: EletterRow, status: EletterStatus): Promise<RecipientLetterView> {
  const base = {
    envoi: letter.envoi,
    kind: letter.kind,
    status,
    recipientName: letter.recipient_name,
    notifiedAt: letter.notified_at ? new Date(letter.notified_at) : null,
    decisionClosesAt: letter.kind === 'registered' && letter.notified_at ? decisionClosesAt(new Date(letter.notified_at)) : null,
  };
  if (!revealed(letter, status)) return { ...base, sender: null, subject: null, documents: null };
  const order = await tx.selectFrom('orders').innerJoin('organisations', 'organisations.id', 'orders.organisation_id').select(['orders.name', 'orders.documents', 'organisations.name as sender']).where('orders.id', '=', letter.order_id).executeTakeFirstOrThrow();
  const docs = await tx.selectFrom('documents').select(['id', 'filename', 'pages', 'sha256']).where('id', 'in', order.documents).execute();
  return {
    ...base,
    sender: order.sender,
    subject: order.name,
    documents: order.documents.map((id, i) => {
      const d = docs.find((x) => x.id === id)!;
      return { number: i + 1, filename: d.filename, pages: d.pages, sha256: d.sha256! };
    }),
  };
}

async function sessionLetter(tx: Tx, principal: RecipientPrincipal, lock = false): Promise<{ letter: EletterRow; status: EletterStatus }> {
  let q = tx.selectFrom('eletters').selectAll().where('mailpiece_id', '=', principal.mailpieceId);
  if (lock) q = q.forUpdate();
  const letter = await q.executeTakeFirstOrThrow();
  const status = lock ? await lockedStatus(tx, letter.mailpiece_id) : ((await tx.selectFrom('mailpieces').select('status').where('id', '=', letter.mailpiece_id).executeTakeFirstOrThrow()).status as EletterStatus);
  return { letter, status };
}

export async function recipientLetter(deps: EletterDeps, principal: RecipientPrincipal): Promise<RecipientLetterView> {
  return inScope(deps.db, recipientScope(principal), async (tx) => {
    const { letter, status } = await sessionLetter(tx, principal);
    return viewOf(tx, letter, status);
  });
}

/** Accept or refuse (registered, from the notification to the end of D+15): the evidence names who decided. */
export async function decide(deps: EletterDeps, principal: RecipientPrincipal, decision: 'accept' | 'refuse'): Promise<RecipientLetterView> {
  return inScope(deps.db, recipientScope(principal), async (tx) => {
    const { letter, status } = await sessionLetter(tx, principal, true);
    const now = deps.clock.now();
    const refusal = refuseDecision({ kind: letter.kind, status, notifiedAt: letter.notified_at ? new Date(letter.notified_at) : null }, now);
    if (refusal) {
      if (refusal.kind === 'closed') throw new AppError('conflict', message('recipient.decision_closed', { date: parisDay(new Date(refusal.closedAt.getTime() - 1)) }));
      if (refusal.kind === 'decided') throw new AppError('conflict', message('recipient.decided', { status: message(`eletter_status.${refusal.status}`) }));
      throw new AppError('conflict', refusal.kind === 'not_registered' ? 'recipient.not_registered' : 'recipient.not_notified');
    }
    const to = await changeEletterStatus(tx, deps, letter, 'notified', decision, { decided_at: now, next_reminder_at: null, deadline_at: null });
    const identity = letter.identity as Record<string, string | null> | null;
    await appendEvidence(tx, deps, letter, await letterContext(tx, letter.order_id), decision === 'accept' ? 'acceptance' : 'refusal', now, {
      identity: identity ? { issuer: identity.issuer ?? null, subject: identity.subject ?? null, given_name: identity.given_name ?? null, family_name: identity.family_name ?? null, acr: identity.acr ?? null } : null,
      second_factor: 'sms',
      session: principal.sessionId,
    });
    return viewOf(tx, letter, to);
  });
}

/** A document of the letter, once revealed; each download leaves its ContentAccessTracking evidence. */
export async function downloadDocument(deps: EletterDeps, principal: RecipientPrincipal, number: number): Promise<{ filename: string; stream: Readable }> {
  const doc = await inScope(deps.db, recipientScope(principal), async (tx) => {
    const { letter, status } = await sessionLetter(tx, principal, true);
    if (!revealed(letter, status)) throw new AppError('forbidden', 'recipient.not_accepted');
    const order = await tx.selectFrom('orders').select('documents').where('id', '=', letter.order_id).executeTakeFirstOrThrow();
    const id = order.documents[number - 1];
    if (!id) throw new AppError('not_found', message('recipient.no_document', { number }));
    const d = await tx.selectFrom('documents').select(['filename', 'sha256']).where('id', '=', id).executeTakeFirstOrThrow();
    await appendEvidence(tx, deps, letter, await letterContext(tx, letter.order_id), 'download', deps.clock.now(), { document: number, filename: d.filename, sha256: d.sha256! });
    return d;
  });
  return { filename: doc.filename, stream: await deps.storage.get(doc.sha256!) };
}

/** The notification templates whose delivery the sending listens to (re-exported for wiring). */
export { NOTIFICATION_TEMPLATE };
