import { sql, type Kysely } from 'kysely';
import { isProviderRole, type Role } from '#domain/roles.js';
import { AppError, message } from '../../errors.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Clock } from '../../platform/clock/clock.js';
import { hashPassword, verifyPassword } from '../../platform/crypto/passwords.js';
import { hashSecret, randomSecret } from '../../platform/crypto/secrets.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import { newTotpSecret, qrSvg, totpUri, verifyTotp } from '../../platform/crypto/totp.js';
import type { DB, SessionStage } from '../../platform/db/schema.js';
import { inScope, systemScope, type Tx } from '../../platform/db/scope.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { normaliseEmail } from '#domain/email.js';

/** Sign-in rules, as data. */
export const SIGN_IN_POLICY = {
  /** A session ends after this long without activity… */
  idleMs: 12 * 3600_000,
  /** …and after this long whatever happens. */
  absoluteMs: 7 * 24 * 3600_000,
  /** A sign-in waiting for its second factor. */
  pendingMs: 10 * 60_000,
  /** last_seen_at is refreshed at most this often (a write per request would cost more than the read). */
  touchEveryMs: 5 * 60_000,
  maxFailedAttempts: 5,
  lockMs: 15 * 60_000,
  recoveryCodeCount: 10,
} as const;

export interface SessionDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  secretBox: SecretBox;
}

export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}

export interface OpenedSession {
  /** The cookie value; only its hash is stored. */
  token: string;
  principal: UserPrincipal;
  expiresAt: Date;
}

// A real argon2id hash of a random password: unknown e-mails cost the same time as known ones.
let dummyHash: Promise<string> | undefined;
const timingDecoy = () => (dummyHash ??= hashPassword(randomSecret(16)));

const wrongCredentials = () => new AppError('invalid_credentials', 'session.wrong_credentials');

function lockedError(until: Date): AppError {
  return new AppError('account_locked', message('session.locked', { until }), {
    extra: { locked_until: until.toISOString() },
  });
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: 'invited' | 'active' | 'deactivated';
  locale: 'fr' | 'en';
  password_hash: string | null;
  totp_secret: string | null;
  totp_enabled_at: Date | null;
  recovery_code_hashes: string[];
  locked_until: Date | null;
  totp_last_step: number | null;
  organisation_id: string;
  organisation_name: string;
  organisation_kind: 'provider' | 'client';
  organisation_status: 'active' | 'suspended';
}

function selectUser(tx: Tx) {
  return tx
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select([
      'users.id',
      'users.email',
      'users.name',
      'users.role',
      'users.status',
      'users.locale',
      'users.password_hash',
      'users.totp_secret',
      'users.totp_enabled_at',
      'users.recovery_code_hashes',
      'users.locked_until',
      'users.totp_last_step',
      'organisations.id as organisation_id',
      'organisations.name as organisation_name',
      'organisations.kind as organisation_kind',
      'organisations.status as organisation_status',
    ]);
}

/** The signed-in person's own row, read in their scope. */
async function loadUser(deps: SessionDeps, principal: UserPrincipal): Promise<UserRow> {
  const row = await inScope(deps.db, scopeOf(principal), (tx) => selectUser(tx).where('users.id', '=', principal.userId).executeTakeFirst());
  if (!row) throw new AppError('unauthenticated', 'session.ended');
  return row as UserRow;
}

function principalFrom(user: UserRow, session: { id: string; stage: SessionStage; csrf_token: string }): UserPrincipal {
  return {
    kind: 'user',
    userId: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    organisationId: user.organisation_id,
    organisationName: user.organisation_name,
    via: 'session',
    apiKeyId: null,
    stage: session.stage,
    sessionId: session.id,
    csrfToken: session.csrf_token,
    locale: user.locale,
  };
}

async function openSession(tx: Tx, deps: SessionDeps, user: UserRow, stage: SessionStage, ctx: RequestContext): Promise<OpenedSession> {
  const now = deps.clock.now();
  const token = randomSecret(32);
  const id = hashSecret(token);
  const csrf = randomSecret(24);
  const expiresAt = new Date(now.getTime() + (stage === 'signed_in' ? SIGN_IN_POLICY.idleMs : SIGN_IN_POLICY.pendingMs));
  await tx
    .insertInto('sessions')
    .values({
      id,
      user_id: user.id,
      organisation_id: user.organisation_id,
      stage,
      csrf_token: csrf,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
      ip: ctx.ip,
      user_agent: ctx.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, principal: principalFrom(user, { id, stage, csrf_token: csrf }), expiresAt };
}

function refuseDisabled(user: UserRow): void {
  if (user.status === 'deactivated') throw new AppError('account_disabled', 'session.deactivated');
  if (user.organisation_status === 'suspended') throw new AppError('account_disabled', 'session.organisation_suspended');
}

/** Counts a failed attempt (password or code); the fifth in a row locks the account for a while. */
async function countFailure(deps: SessionDeps, user: UserRow, ctx: RequestContext, what: string): Promise<AppError> {
  const now = deps.clock.now();
  return inScope(deps.db, systemScope, async (tx) => {
    const r = await tx
      .updateTable('users')
      .set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1) }))
      .where('id', '=', user.id)
      .returning('failed_sign_ins')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, deps, { organisationId: user.organisation_id, actorUserId: user.id, action: `sign_in.${what}_wrong`, ip: ctx.ip });
    if (r.failed_sign_ins >= SIGN_IN_POLICY.maxFailedAttempts) {
      const until = new Date(now.getTime() + SIGN_IN_POLICY.lockMs);
      await tx.updateTable('users').set({ failed_sign_ins: 0, locked_until: until }).where('id', '=', user.id).execute();
      await recordAudit(tx, deps, { organisationId: user.organisation_id, actorUserId: user.id, action: 'sign_in.locked', detail: { until: until.toISOString() }, ip: ctx.ip });
      return lockedError(until);
    }
    return what === 'password' ? wrongCredentials() : new AppError('totp_invalid', 'session.code_wrong');
  });
}

/** First step: e-mail and password. Provider staff always continue with a second factor. */
export async function signIn(deps: SessionDeps, input: { email: string; password: string }, ctx: RequestContext): Promise<OpenedSession> {
  const email = normaliseEmail(input.email);
  const user = (await inScope(deps.db, systemScope, (tx) => selectUser(tx).where('users.email', '=', email).executeTakeFirst())) as UserRow | undefined;
  if (!user || user.password_hash === null) {
    await verifyPassword(await timingDecoy(), input.password);
    throw wrongCredentials();
  }
  const now = deps.clock.now();
  if (user.locked_until && user.locked_until > now) throw lockedError(user.locked_until);
  // Slow hash outside any transaction: on the embedded database a transaction holds the connection.
  if (!(await verifyPassword(user.password_hash, input.password))) throw await countFailure(deps, user, ctx, 'password');
  refuseDisabled(user);
  const stage: SessionStage = user.totp_enabled_at ? 'totp_required' : isProviderRole(user.role) ? 'totp_enrollment' : 'signed_in';
  return inScope(deps.db, systemScope, async (tx) => {
    await tx.updateTable('users').set({ failed_sign_ins: 0, locked_until: null, ...(stage === 'signed_in' ? { last_sign_in_at: now } : {}) }).where('id', '=', user.id).execute();
    await recordAudit(tx, deps, { organisationId: user.organisation_id, actorUserId: user.id, action: stage === 'signed_in' ? 'sign_in' : 'sign_in.password_ok', ip: ctx.ip });
    return openSession(tx, deps, user, stage, ctx);
  });
}

/** Turns a cookie into its principal; null when there is no such live session. */
export async function authenticateSession(deps: SessionDeps, token: string): Promise<UserPrincipal | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const id = hashSecret(token);
  const now = deps.clock.now();
  return inScope(deps.db, systemScope, async (tx) => {
    const session = await tx.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!session || session.ended_at !== null || new Date(session.expires_at) <= now) return null;
    const user = (await selectUser(tx).where('users.id', '=', session.user_id).executeTakeFirst()) as UserRow | undefined;
    if (!user || user.status !== 'active' || user.organisation_status !== 'active') return null;
    if (session.stage === 'signed_in' && now.getTime() - new Date(session.last_seen_at).getTime() > SIGN_IN_POLICY.touchEveryMs) {
      const absoluteEnd = new Date(session.created_at).getTime() + SIGN_IN_POLICY.absoluteMs;
      const expires = new Date(Math.min(now.getTime() + SIGN_IN_POLICY.idleMs, absoluteEnd));
      await tx.updateTable('sessions').set({ last_seen_at: now, expires_at: expires }).where('id', '=', id).execute();
    }
    return principalFrom(user, session);
  });
}

/** After the second factor: the pending session ends and a fresh one begins (no fixation). */
async function promote(deps: SessionDeps, principal: UserPrincipal, user: UserRow, ctx: RequestContext, tx: Tx): Promise<OpenedSession> {
  // Compare-and-set: a pending sign-in completes once; a second request racing it (or one that
  // arrives after sign-out) is refused and its transaction rolls back.
  const ended = await tx
    .updateTable('sessions')
    .set({ ended_at: deps.clock.now() })
    .where('id', '=', principal.sessionId!)
    .where('ended_at', 'is', null)
    .where('stage', '=', principal.stage)
    .executeTakeFirst();
  if (Number(ended.numUpdatedRows) !== 1) throw new AppError('conflict', 'session.sign_in_over');
  await tx.updateTable('users').set({ failed_sign_ins: 0, last_sign_in_at: deps.clock.now() }).where('id', '=', user.id).execute();
  await recordAudit(tx, deps, { organisationId: user.organisation_id, actorUserId: user.id, action: 'sign_in', detail: { second_factor: true }, ip: ctx.ip });
  return openSession(tx, deps, user, 'signed_in', ctx);
}

function requireSession(principal: UserPrincipal): void {
  if (principal.via !== 'session' || !principal.sessionId) throw new AppError('forbidden', 'session.browser_only');
}

/** Second step: a code from the authenticator app, or one of the recovery codes (used up). */
export async function verifySecondFactor(deps: SessionDeps, principal: UserPrincipal, code: string, ctx: RequestContext): Promise<OpenedSession> {
  requireSession(principal);
  if (principal.stage !== 'totp_required') throw new AppError('conflict', 'session.no_code_expected');
  const user = await loadUser(deps, principal);
  const now = deps.clock.now();
  if (user.locked_until && user.locked_until > now) throw lockedError(user.locked_until);
  const cleaned = code.replace(/\s+/g, '');
  const step = user.totp_secret === null ? null : verifyTotp(deps.secretBox.open(user.totp_secret), cleaned, now, user.totp_last_step === null ? null : Number(user.totp_last_step));
  const totpOk = step !== null;
  const recoveryHash = hashSecret(cleaned.toLowerCase());
  const recoveryOk = !totpOk && user.recovery_code_hashes.includes(recoveryHash);
  if (!totpOk && !recoveryOk) throw await countFailure(deps, user, ctx, 'code');
  const usedUp = (): AppError => new AppError('totp_invalid', 'session.code_used');
  return inScope(deps.db, systemScope, async (tx) => {
    // Each code is spent by compare-and-set: of two requests carrying the same code at the same
    // moment, the database lets one through.
    if (totpOk) {
      const spent = await tx
        .updateTable('users')
        .set({ totp_last_step: step })
        .where('id', '=', user.id)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .executeTakeFirst();
      if (Number(spent.numUpdatedRows) !== 1) throw usedUp();
    }
    if (recoveryOk) {
      const spent = await tx
        .updateTable('users')
        .set({ recovery_code_hashes: sql`recovery_code_hashes - ${recoveryHash}::text` })
        .where('id', '=', user.id)
        .where(sql<boolean>`recovery_code_hashes @> jsonb_build_array(${recoveryHash}::text)`)
        .executeTakeFirst();
      if (Number(spent.numUpdatedRows) !== 1) throw usedUp();
      await recordAudit(tx, deps, { organisationId: user.organisation_id, actorUserId: user.id, action: 'sign_in.recovery_code_used', ip: ctx.ip });
    }
    return promote(deps, principal, user, ctx, tx);
  });
}

/** A new authenticator secret, kept aside until a code proves the app has it. */
export async function startTotpEnrollment(deps: SessionDeps, principal: UserPrincipal): Promise<{ secret: string; otpauth_url: string; qr_svg: string }> {
  requireSession(principal);
  const user = await loadUser(deps, principal);
  if (principal.stage === 'totp_required') throw new AppError('conflict', 'session.finish_sign_in');
  if (user.totp_enabled_at) throw new AppError('conflict', 'session.totp_already_on');
  const secret = newTotpSecret();
  await inScope(deps.db, systemScope, (tx) => tx.updateTable('users').set({ totp_secret: deps.secretBox.seal(secret) }).where('id', '=', user.id).execute());
  const uri = totpUri(secret, user.email);
  return { secret, otpauth_url: uri, qr_svg: await qrSvg(uri) };
}

function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: SIGN_IN_POLICY.recoveryCodeCount }, () => {
    const raw = randomSecret(8).toLowerCase().replace(/[^a-z0-9]/g, '').padEnd(10, '0').slice(0, 10);
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  return { codes, hashes: codes.map((c) => hashSecret(c.replace(/\s+/g, '').toLowerCase())) };
}

/** The first code from the app turns two-factor sign-in on and gives the recovery codes, once. */
export async function confirmTotpEnrollment(
  deps: SessionDeps,
  principal: UserPrincipal,
  code: string,
  ctx: RequestContext,
): Promise<{ recoveryCodes: string[]; session: OpenedSession | null }> {
  requireSession(principal);
  const user = await loadUser(deps, principal);
  if (user.totp_enabled_at) throw new AppError('conflict', 'session.totp_already_on');
  if (!user.totp_secret) throw new AppError('conflict', 'session.totp_no_setup');
  const step = verifyTotp(deps.secretBox.open(user.totp_secret), code.replace(/\s+/g, ''), deps.clock.now());
  if (step === null) {
    throw new AppError('totp_invalid', 'session.totp_mismatch');
  }
  const { codes, hashes } = newRecoveryCodes();
  return inScope(deps.db, systemScope, async (tx) => {
    const enabled = await tx
      .updateTable('users')
      .set({ totp_enabled_at: deps.clock.now(), totp_last_step: step, recovery_code_hashes: JSON.stringify(hashes) })
      .where('id', '=', user.id)
      .where('totp_enabled_at', 'is', null)
      .executeTakeFirst();
    // Two confirmations at once: one turns it on; the other's recovery codes would never work.
    if (Number(enabled.numUpdatedRows) !== 1) throw new AppError('conflict', 'session.totp_already_on');
    await recordAudit(tx, deps, { organisationId: user.organisation_id, actorUserId: user.id, action: 'totp.enabled', ip: ctx.ip });
    const session = principal.stage === 'totp_enrollment' ? await promote(deps, principal, user, ctx, tx) : null;
    return { recoveryCodes: codes, session };
  });
}

async function requirePassword(deps: SessionDeps, user: UserRow, password: string, ctx: RequestContext): Promise<void> {
  if (!user.password_hash || !(await verifyPassword(user.password_hash, password))) {
    throw await countFailure(deps, user, ctx, 'password');
  }
}

export async function disableTotp(deps: SessionDeps, principal: UserPrincipal, password: string, ctx: RequestContext): Promise<void> {
  const user = await loadUser(deps, principal);
  if (isProviderRole(user.role)) throw new AppError('forbidden', 'session.staff_keep_totp');
  await requirePassword(deps, user, password, ctx);
  await inScope(deps.db, systemScope, async (tx) => {
    await tx.updateTable('users').set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null, recovery_code_hashes: '[]' }).where('id', '=', user.id).execute();
    await recordAudit(tx, deps, { organisationId: user.organisation_id, actorUserId: user.id, action: 'totp.disabled', ip: ctx.ip });
  });
}

export async function regenerateRecoveryCodes(deps: SessionDeps, principal: UserPrincipal, password: string, ctx: RequestContext): Promise<string[]> {
  const user = await loadUser(deps, principal);
  if (!user.totp_enabled_at) throw new AppError('conflict', 'session.totp_off');
  await requirePassword(deps, user, password, ctx);
  const { codes, hashes } = newRecoveryCodes();
  await inScope(deps.db, systemScope, async (tx) => {
    await tx.updateTable('users').set({ recovery_code_hashes: JSON.stringify(hashes) }).where('id', '=', user.id).execute();
    await recordAudit(tx, deps, { organisationId: user.organisation_id, actorUserId: user.id, action: 'totp.recovery_codes_renewed', ip: ctx.ip });
  });
  return codes;
}

export async function signOut(deps: SessionDeps, principal: UserPrincipal): Promise<void> {
  if (!principal.sessionId) return;
  await inScope(deps.db, scopeOf(principal), (tx) => tx.updateTable('sessions').set({ ended_at: deps.clock.now() }).where('id', '=', principal.sessionId!).where('ended_at', 'is', null).execute());
}

/** Ends every session of a user (log out everywhere, deactivation, password change). */
export async function endSessionsOf(tx: Tx, deps: { clock: Clock }, userId: string, except?: string | null): Promise<void> {
  let q = tx.updateTable('sessions').set({ ended_at: deps.clock.now() }).where('user_id', '=', userId).where('ended_at', 'is', null);
  if (except) q = q.where('id', '!=', except);
  await q.execute();
}

export async function signOutEverywhere(deps: SessionDeps, principal: UserPrincipal, ctx: RequestContext): Promise<void> {
  await inScope(deps.db, scopeOf(principal), async (tx) => {
    await endSessionsOf(tx, deps, principal.userId);
    await recordAudit(tx, deps, { organisationId: principal.organisationId, actorUserId: principal.userId, action: 'sign_out.everywhere', ip: ctx.ip });
  });
}

export async function changePassword(deps: SessionDeps, principal: UserPrincipal, input: { current: string; next: string }, ctx: RequestContext): Promise<void> {
  const user = await loadUser(deps, principal);
  await requirePassword(deps, user, input.current, ctx);
  const hash = await hashPassword(input.next);
  await inScope(deps.db, scopeOf(principal), async (tx) => {
    await tx.updateTable('users').set({ password_hash: hash, password_changed_at: deps.clock.now() }).where('id', '=', user.id).execute();
    // Whoever else was signed in with the old password is signed out.
    await endSessionsOf(tx, deps, user.id, principal.sessionId);
    await recordAudit(tx, deps, { organisationId: user.organisation_id, actorUserId: user.id, action: 'password.changed', ip: ctx.ip });
  });
}

export interface SessionView {
  stage: SessionStage;
  csrf_token: string;
  expires_at: string;
  user: {
    id: string;
    email: string;
    name: string;
    role: Role;
    locale: 'fr' | 'en';
    totp_enabled: boolean;
    organisation: { id: string; name: string; kind: 'provider' | 'client' };
  };
}

export async function describeSession(deps: SessionDeps, principal: UserPrincipal): Promise<SessionView> {
  const user = await loadUser(deps, principal);
  const session = principal.sessionId
    ? await inScope(deps.db, scopeOf(principal), (tx) => tx.selectFrom('sessions').select(['expires_at']).where('id', '=', principal.sessionId!).executeTakeFirst())
    : undefined;
  return {
    stage: principal.stage,
    csrf_token: principal.csrfToken ?? '',
    expires_at: new Date(session?.expires_at ?? deps.clock.now()).toISOString(),
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      locale: user.locale,
      totp_enabled: user.totp_enabled_at !== null,
      organisation: { id: user.organisation_id, name: user.organisation_name, kind: user.organisation_kind },
    },
  };
}

export async function updateProfile(deps: SessionDeps, principal: UserPrincipal, input: { name?: string | undefined; locale?: 'fr' | 'en' | undefined }): Promise<void> {
  const changes = { ...(input.name !== undefined ? { name: input.name } : {}), ...(input.locale !== undefined ? { locale: input.locale } : {}) };
  if (Object.keys(changes).length === 0) return;
  await inScope(deps.db, scopeOf(principal), (tx) => tx.updateTable('users').set(changes).where('id', '=', principal.userId).execute());
}
