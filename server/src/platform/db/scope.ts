import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.js';

/**
 * Which rows a transaction may touch, declared from the authenticated principal, never from input:
 * - organisation: a client user, API key or e-letter recipient — that organisation's rows only;
 * - provider: provider staff, across client organisations where the policies allow it;
 * - system: what runs without a principal (sign-in lookups, the CLI, seed, jobs carrying their
 *   ids in their payload). Anything done for a principal runs in `scopeOf(principal)`; the few
 *   exceptions, and why, are listed in ADR 0002.
 */
export type Scope =
  | { kind: 'organisation'; organisationId: string }
  | { kind: 'provider'; organisationId: string }
  | { kind: 'system' };

export type Tx = Transaction<DB>;

export const systemScope: Scope = { kind: 'system' };

/**
 * A last step the caller adds to a use case's transaction, given its result: it commits with
 * the work or not at all (a request's Idempotency-Key records its answer this way).
 */
export type Within<T> = (tx: Tx, result: T) => Promise<void>;

/** Runs fn in one transaction as the non-owner `pli_app` role, so row-level security applies;
 * then `within`, if given, in the same transaction. */
export function inScope<T>(db: Kysely<DB>, scope: Scope, fn: (tx: Tx) => Promise<T>, within?: Within<T>): Promise<T> {
  const tenant = scope.kind === 'system' ? '' : scope.organisationId;
  return db.transaction().execute(async (tx) => {
    // One round trip: set_config(..., true) is SET LOCAL, and 'role' is SET LOCAL ROLE.
    await sql`SELECT set_config('app.scope', ${scope.kind}, true), set_config('app.tenant', ${tenant}, true), set_config('role', 'pli_app', true)`.execute(tx);
    const result = await fn(tx);
    if (within) await within(tx, result);
    return result;
  });
}
