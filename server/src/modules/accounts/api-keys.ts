import type { Kysely } from 'kysely';
import { AppError, message, notFound } from '../../errors.js';
import type { Clock } from '../../platform/clock/clock.js';
import type { Database } from '../../platform/db/database.js';
import type { DB } from '../../platform/db/schema.js';
import { createBatchedLookup, type BatchedLookup } from '../../platform/db/batched-lookup.js';
import { inScope, systemScope } from '../../platform/db/scope.js';
import { hashSecret, randomSecret, secretMatches } from '../../platform/crypto/secrets.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import { scopeOf, type Principal, type UserPrincipal } from '../../platform/http/principal.js';
import { decodeCursor } from '../../platform/http/pagination.js';
import type { Role } from '#domain/roles.js';
import type { Language } from '../../i18n/index.js';

/**
 * API keys act as the user who created them, with that user's role and organisation (api.md).
 * The key is `pli_<key id>_<secret>`; only a hash of the secret is stored, and the key is shown
 * once, at creation.
 */
const TOKEN = /^pli_([0-9a-z]{26})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyDeps {
  db: Kysely<DB>;
  database: Pick<Database, 'preparedQuery'>;
  clock: Clock;
  ids: IdGenerator;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  key: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export async function createApiKey(deps: ApiKeyDeps, principal: Principal, name: string): Promise<CreatedApiKey> {
  const id = deps.ids.next('key');
  const secret = randomSecret(32);
  const createdAt = deps.clock.now();
  await inScope(deps.db, scopeOf(principal), (tx) =>
    tx
      .insertInto('api_keys')
      .values({ id, organisation_id: principal.organisationId, user_id: principal.userId, name, secret_hash: hashSecret(secret), created_at: createdAt })
      .execute(),
  );
  return { id, name, key: `pli_${id.slice(4)}_${secret}`, created_at: createdAt, last_used_at: null, revoked_at: null };
}

/** The caller's own keys, newest first. */
export async function listApiKeys(deps: ApiKeyDeps, principal: Principal, page: { limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(page.cursor);
  return inScope(deps.db, scopeOf(principal), (tx) => {
    let q = tx
      .selectFrom('api_keys')
      .select(['id', 'name', 'created_at', 'last_used_at', 'revoked_at'])
      .where('user_id', '=', principal.userId)
      .orderBy('id', 'desc')
      .limit(page.limit + 1);
    if (after) q = q.where('id', '<', after);
    return q.execute();
  });
}

/** Revokes one of the caller's keys. Revoking twice is harmless; someone else's key is "not found". */
export async function revokeApiKey(deps: ApiKeyDeps, principal: Principal, keyId: string): Promise<void> {
  await inScope(deps.db, scopeOf(principal), async (tx) => {
    const key = await tx
      .selectFrom('api_keys')
      .select(['id', 'revoked_at'])
      .where('id', '=', keyId)
      .where('user_id', '=', principal.userId)
      .executeTakeFirst();
    if (!key) throw notFound('not_found.api_key');
    if (key.revoked_at === null) {
      await tx.updateTable('api_keys').set({ revoked_at: deps.clock.now() }).where('id', '=', keyId).execute();
    }
  });
}

/** Revokes a key by its id, whoever owns it (operator's CLI, on the machine). */
export async function revokeApiKeyById(deps: ApiKeyDeps, keyId: string): Promise<{ email: string }> {
  return inScope(deps.db, systemScope, async (tx) => {
    const key = await tx
      .selectFrom('api_keys')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .select(['api_keys.id', 'api_keys.revoked_at', 'users.email'])
      .where('api_keys.id', '=', keyId)
      .executeTakeFirst();
    if (!key) throw notFound(message('not_found.api_key_id', { id: keyId }));
    if (key.revoked_at === null) await tx.updateTable('api_keys').set({ revoked_at: deps.clock.now() }).where('id', '=', keyId).execute();
    return { email: key.email };
  });
}

/** Only refresh last_used_at once a minute: a write on every request would cost more than the read. */
const LAST_USED_RESOLUTION_MS = 60_000;

const lookups = new WeakMap<ApiKeyDeps['database'], BatchedLookup<string, KeyPrincipalRow>>();

/** The batched key lookup of this database (one per database: they share nothing). */
function keyLookup(database: ApiKeyDeps['database']): BatchedLookup<string, KeyPrincipalRow> {
  let lookup = lookups.get(database);
  if (!lookup) {
    lookup = createBatchedLookup(async (keys) => {
      const rows = await database.preparedQuery<KeyPrincipalRow>('pli_api_key_principals', 'SELECT * FROM pli_api_key_principals($1)', [keys]);
      return new Map(rows.map((r) => [r.key_id, r]));
    });
    lookups.set(database, lookup);
  }
  return lookup;
}

interface KeyPrincipalRow {
  key_id: string;
  secret_hash: string;
  revoked_at: Date | null;
  last_used_at: Date | null;
  user_id: string;
  email: string;
  name: string;
  role: string;
  locale: Language;
  user_status: string;
  organisation_id: string;
  organisation_name: string;
  organisation_status: string;
}

/**
 * Turns a bearer token into the principal it acts as, or throws 401. Deliberately the same answer
 * for every failure (unknown, wrong secret, revoked, user or organisation disabled).
 */
export async function authenticateApiKey(deps: ApiKeyDeps, token: string): Promise<UserPrincipal> {
  // Made only when refusing: an error captures a stack trace, which every request would pay.
  const refused = () => new AppError('unauthenticated', 'api_key.invalid');
  const match = TOKEN.exec(token);
  if (!match) throw refused();
  const keyId = `key_${match[1]}`;
  const secret = match[2]!;
  // One statement for the keys of the requests that arrived together, every request (migrations
  // 0012, 0015): nothing cached, so a revoked key stops at once in every process.
  const row = await keyLookup(deps.database)(keyId);
  if (!row || !secretMatches(secret, row.secret_hash) || row.revoked_at !== null || row.user_status !== 'active' || row.organisation_status !== 'active') {
    throw refused();
  }
  const now = deps.clock.now();
  if (row.last_used_at === null || now.getTime() - new Date(row.last_used_at).getTime() > LAST_USED_RESOLUTION_MS) {
    await inScope(deps.db, systemScope, (tx) => tx.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', keyId).execute());
  }
  return {
    kind: 'user',
    userId: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    via: 'api_key',
    apiKeyId: keyId,
    stage: 'signed_in',
    sessionId: null,
    csrfToken: null,
    locale: row.locale,
  };
}
