import { sql, type Kysely } from 'kysely';
import type { Clock } from '../clock/clock.js';
import type { DB } from '../db/schema.js';
import { inScope, systemScope, type Tx } from '../db/scope.js';
import type { ObjectStorage } from './storage.port.js';

/**
 * Deletes stored objects that nothing uses any more. Objects are content-addressed, so one object
 * may be the upload of two organisations at once: a request that deleted "its" object after
 * checking that no row used it could delete the file another organisation's upload had just
 * stored and was about to reference. So nothing deletes on a request's path; this periodic task
 * deletes an object only when no row references it and nobody has put it for SWEEP_GRACE_MS —
 * every put makes an object young again, and an upload is referenced within seconds of its put
 * (a print-file part, put as it is rendered, within its job's hour), so an object in flight is
 * never a candidate. ADR 0007.
 */
export const SWEEP_GRACE_MS = 2 * 60 * 60 * 1000;

/** Keys checked against the database per query. */
const BATCH = 500;

/**
 * Every column that holds an object key. A new one must be added here, or the sweeper deletes
 * what it points to: the test fails on any `*sha256` column missing from this list.
 */
export const KEY_COLUMNS = [
  ['documents', 'sha256'],
  ['documents', 'source_sha256'],
  ['orders', 'purchase_order_sha256'],
  ['account_imports', 'file_sha256'],
  ['archive_items', 'sha256'],
  ['archive_items', 'certificate_sha256'],
  ['archive_items', 'destruction_certificate_sha256'],
  ['trust_checkpoints', 'object_sha256'],
  ['mailpiece_returns', 'scan_sha256'],
] as const;

/** Rows whose key no longer counts: a destroyed archive item keeps its hash, not its file. */
const STILL_REFERENCES: Partial<Record<string, ReturnType<typeof sql>>> = {
  'archive_items.sha256': sql`status <> 'destroyed'`,
};

/** The keys among `keys` that some row references (columns above, and the floor's JSON). */
export async function referencedKeys(tx: Tx, keys: string[]): Promise<Set<string>> {
  const candidates = sql`${keys}::text[]`;
  const columns = KEY_COLUMNS.map(([table, column]) => {
    const also = STILL_REFERENCES[`${table}.${column}`];
    return sql`SELECT ${sql.ref(column)} AS key FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ANY(${candidates})${also ? sql` AND ${also}` : sql``}`;
  });
  const { rows } = await sql<{ key: string }>`
    ${sql.join(columns, sql` UNION `)}
    UNION SELECT f.key FROM batches b, LATERAL (VALUES (b.print_files->>'ticket'), (b.print_files->>'labels'), (b.deposit_slip->>'sha256')) AS f(key) WHERE f.key = ANY(${candidates})
    UNION SELECT p->>'sha256' FROM batches b, jsonb_array_elements(b.print_files->'parts') AS p WHERE p->>'sha256' = ANY(${candidates})
    UNION SELECT detail->>'file' FROM batch_events WHERE type = 'batch.reprint' AND detail->>'file' = ANY(${candidates})`.execute(tx);
  return new Set(rows.map((r) => r.key));
}

/**
 * One sweep: lists the objects, and deletes those stored before the grace period that no row
 * references. Two sweeps at once (two worker processes) only delete the same objects twice.
 * Returns how many it deleted.
 */
export async function sweepObjects(deps: { db: Kysely<DB>; storage: ObjectStorage; clock: Clock }): Promise<number> {
  const cutoff = deps.clock.now().getTime() - SWEEP_GRACE_MS;
  let deleted = 0;
  const sweep = async (keys: string[]) => {
    const referenced = await inScope(deps.db, systemScope, (tx) => referencedKeys(tx, keys));
    for (const key of keys) {
      if (referenced.has(key)) continue;
      // Looked at again after the references: the same bytes put since the listing are young.
      const now = await deps.storage.stat(key);
      // A retention still holding the object (an archived copy being destroyed elsewhere) wins.
      if (now && now.storedAt.getTime() < cutoff && (await deps.storage.retainedUntil(key)) === null) {
        await deps.storage.delete(key);
        deleted++;
      }
    }
  };
  let batch: string[] = [];
  for await (const o of deps.storage.list()) {
    if (o.storedAt.getTime() >= cutoff) continue;
    batch.push(o.key);
    if (batch.length === BATCH) {
      await sweep(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await sweep(batch);
  return deleted;
}
