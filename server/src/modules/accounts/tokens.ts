import type { Kysely } from 'kysely';
import { AppError } from '../../errors.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Clock } from '../../platform/clock/clock.js';
import { hashPassword } from '../../platform/crypto/passwords.js';
import { hashSecret, randomSecret } from '../../platform/crypto/secrets.js';
import type { DB } from '../../platform/db/schema.js';
import { inScope, systemScope, type Tx } from '../../platform/db/scope.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import type { MailService } from '../../platform/mail/outbox.js';
import { invitationEmail, passwordResetEmail } from './emails.js';
import { endSessionsOf } from './sessions.js';
import { normaliseEmail } from '#domain/email.js';

/** Single-use links sent by e-mail: only their hash is stored. */
export const TOKEN_LIFETIMES = {
  activation: 7 * 24 * 3600_000,
  password_reset: 60 * 60_000,
} as const;

export interface TokenDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  mail: MailService;
  publicUrl: string;
}

async function issueToken(tx: Tx, deps: TokenDeps, user: { id: string; organisation_id: string }, kind: 'activation' | 'password_reset'): Promise<{ token: string; expiresAt: Date }> {
  const now = deps.clock.now();
  // A new link replaces the older ones of the same kind.
  await tx.updateTable('user_tokens').set({ used_at: now }).where('user_id', '=', user.id).where('kind', '=', kind).where('used_at', 'is', null).execute();
  const token = randomSecret(32);
  const expiresAt = new Date(now.getTime() + TOKEN_LIFETIMES[kind]);
  await tx.insertInto('user_tokens').values({ id: hashSecret(token), user_id: user.id, organisation_id: user.organisation_id, kind, created_at: now, expires_at: expiresAt }).execute();
  return { token, expiresAt };
}

/** Activation link + invitation e-mail, in the caller's transaction (the account and its e-mail
 * exist together or not at all). */
export async function sendInvitation(tx: Tx, deps: TokenDeps, user: { id: string; organisation_id: string; email: string; name: string }): Promise<void> {
  const organisation = await tx.selectFrom('organisations').select('name').where('id', '=', user.organisation_id).executeTakeFirstOrThrow();
  const { token, expiresAt } = await issueToken(tx, deps, user, 'activation');
  await deps.mail.queue(tx, {
    organisationId: user.organisation_id,
    ...invitationEmail({ name: user.name, email: user.email, organisationName: organisation.name, link: `${deps.publicUrl}/activate/${token}`, expiresAt }),
  });
}

async function findToken(deps: TokenDeps, token: string, kind: 'activation' | 'password_reset') {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new AppError('token_invalid', 'token.invalid');
  const row = await inScope(deps.db, systemScope, (tx) =>
    tx
      .selectFrom('user_tokens')
      .innerJoin('users', 'users.id', 'user_tokens.user_id')
      .select(['user_tokens.id', 'user_tokens.kind', 'user_tokens.expires_at', 'user_tokens.used_at', 'users.id as user_id', 'users.email', 'users.name', 'users.status', 'users.organisation_id'])
      .where('user_tokens.id', '=', hashSecret(token))
      .executeTakeFirst(),
  );
  if (!row || row.kind !== kind) throw new AppError('token_invalid', 'token.invalid');
  if (row.used_at !== null) {
    throw new AppError('token_used', kind === 'activation' ? 'token.activation_used' : 'token.used_ask_new');
  }
  if (new Date(row.expires_at) <= deps.clock.now()) {
    throw new AppError('token_expired', kind === 'activation' ? 'token.activation_expired' : 'token.expired_ask_new');
  }
  return row;
}

export async function describeToken(deps: TokenDeps, token: string, kind: 'activation' | 'password_reset') {
  const row = await findToken(deps, token, kind);
  if (kind === 'activation' && row.status !== 'invited') throw new AppError('token_used', 'token.account_active');
  return { email: row.email, name: row.name, expires_at: new Date(row.expires_at).toISOString() };
}

/** Sets the password chosen through an activation or reset link; the link is spent. */
export async function redeemToken(deps: TokenDeps, input: { token: string; password: string }, kind: 'activation' | 'password_reset', ip: string | null): Promise<void> {
  const row = await findToken(deps, input.token, kind);
  if (kind === 'activation' && row.status !== 'invited') throw new AppError('token_used', 'token.account_active');
  if (kind === 'password_reset' && row.status !== 'active') throw new AppError('account_disabled', 'token.account_not_active');
  const hash = await hashPassword(input.password);
  const now = deps.clock.now();
  await inScope(deps.db, systemScope, async (tx) => {
    // Compare-and-set: of two simultaneous uses of one link, one wins.
    const spent = await tx.updateTable('user_tokens').set({ used_at: now }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) throw new AppError('token_used', 'token.used');
    await tx
      .updateTable('users')
      .set({ password_hash: hash, password_changed_at: now, failed_sign_ins: 0, locked_until: null, ...(kind === 'activation' ? { status: 'active' as const } : {}) })
      .where('id', '=', row.user_id)
      .execute();
    if (kind === 'password_reset') await endSessionsOf(tx, deps, row.user_id);
    await recordAudit(tx, deps, { organisationId: row.organisation_id, actorUserId: row.user_id, action: kind === 'activation' ? 'account.activated' : 'password.reset', ip });
  });
}

/** Always the same answer, whether the account exists or not. */
export async function requestPasswordReset(deps: TokenDeps, email: string, ip: string | null): Promise<void> {
  const normalised = normaliseEmail(email);
  await inScope(deps.db, systemScope, async (tx) => {
    const user = await tx.selectFrom('users').select(['id', 'organisation_id', 'email', 'name', 'status']).where('email', '=', normalised).executeTakeFirst();
    if (!user || user.status !== 'active') return;
    const { token } = await issueToken(tx, deps, user, 'password_reset');
    await deps.mail.queue(tx, {
      organisationId: user.organisation_id,
      ...passwordResetEmail({ name: user.name, email: user.email, link: `${deps.publicUrl}/reset-password/${token}`, validMinutes: TOKEN_LIFETIMES.password_reset / 60_000 }),
    });
    await recordAudit(tx, deps, { organisationId: user.organisation_id, actorUserId: null, action: 'password.reset_requested', subjectId: user.id, ip });
  });
}
