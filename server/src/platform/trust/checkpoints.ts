import { createHash, webcrypto } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { canonicalJson } from '#domain/trust/canonical-json.js';
import type { Clock } from '../clock/clock.js';
import type { DB } from '../db/schema.js';
import { inScope, systemScope } from '../db/scope.js';
import { appendToJournal, journalTreeHead } from './journal.js';
import type { ObjectStorage } from '../storage/storage.port.js';
import type { TimeStamper } from './time-stamping.js';
import type { SigningIdentity } from './trust-keys.js';

/**
 * Checkpoints: the journal's tree head (size, root) in a statement signed with the seal key
 * (ECDSA P-256 over the statement's bytes, IEEE P1363 r‖s — what WebCrypto verifies in a
 * browser) and time-stamped by an RFC 3161 authority over the statement's SHA-256. Each is also
 * appended to the journal, so the next checkpoint covers it. Written every few minutes when
 * something was journaled, and at least once a day (ISO 14641's daily sealing).
 */
export const CHECKPOINT_LOG_ID = 'pli-trust-journal/v1';
const DAY_MS = 24 * 3600 * 1000;

export interface CheckpointDeps {
  db: Kysely<DB>;
  clock: Clock;
  seal: SigningIdentity;
  timeStamper: TimeStamper;
  /** Where each checkpoint is also kept, under a retention, outside the database. */
  storage?: ObjectStorage;
}

/** As long as the root that vouches for the keys: 40 years. */
const CHECKPOINT_RETENTION_MS = 40 * 365.25 * DAY_MS;

/** A checkpoint's copy in object storage: the statement, its signature and its token (RFC 8785 JSON). */
export function checkpointObject(statement: string, signature: Uint8Array, timestampToken: Uint8Array): Buffer {
  return Buffer.from(canonicalJson({ statement, signature: Buffer.from(signature).toString('base64'), timestamp_token: Buffer.from(timestampToken).toString('base64') }));
}

export interface Checkpoint {
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  readonly signedAt: Date;
  /** RFC 8785 JSON: {log, tree_size, root_hash (base64), signed_at}. */
  readonly statement: string;
  readonly signature: Uint8Array;
  readonly timestampToken: Uint8Array;
  /** Where the checkpoint itself was journaled. */
  readonly journalSeq: number;
}

export function checkpointStatement(treeSize: number, rootHash: Uint8Array, signedAt: Date): string {
  return canonicalJson({ log: CHECKPOINT_LOG_ID, tree_size: treeSize, root_hash: Buffer.from(rootHash).toString('base64'), signed_at: signedAt.toISOString() });
}

/**
 * Writes a checkpoint of the journal as it is, unless the newest one already covers everything
 * but itself and is less than a day old. Returns it, or null when none was due.
 */
export async function writeCheckpoint(deps: CheckpointDeps, opts: { force?: boolean } = {}): Promise<Checkpoint | null> {
  return inScope(deps.db, systemScope, async (tx) => {
    // The head's lock first: the size read here stays the size until this commits.
    await sql`SELECT size FROM trust_journal_head FOR UPDATE`.execute(tx);
    const head = await journalTreeHead(tx);
    if (head.size === 0) return null;
    const last = (await sql<{ tree_size: number; signed_at: Date; journal_seq: number }>`
      SELECT tree_size, signed_at, journal_seq FROM trust_checkpoints ORDER BY tree_size DESC LIMIT 1`.execute(tx)).rows[0];
    const now = deps.clock.now();
    // Nothing new since the last checkpoint but the checkpoint's own entry.
    const quiet = last !== undefined && Number(last.journal_seq) === head.size - 1;
    if (!opts.force && quiet && now.getTime() - new Date(last.signed_at).getTime() < DAY_MS) return null;

    const statement = checkpointStatement(head.size, head.root, now);
    const bytes = new TextEncoder().encode(statement);
    const signature = new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, deps.seal.privateKey, bytes));
    const timestampToken = await deps.timeStamper.stamp(new Uint8Array(createHash('sha256').update(bytes).digest()));
    const journaled = await appendToJournal(tx, deps.clock, {
      kind: 'trust.checkpoint',
      organisationId: null,
      subject: null,
      data: { tree_size: head.size, root_hash: Buffer.from(head.root).toString('base64'), statement_sha256: createHash('sha256').update(bytes).digest('hex') },
    });
    const copy = deps.storage ? await deps.storage.put(checkpointObject(statement, signature, timestampToken)) : null;
    if (copy) await deps.storage!.retain(copy.sha256, new Date(now.getTime() + CHECKPOINT_RETENTION_MS));
    await sql`INSERT INTO trust_checkpoints (tree_size, root_hash, signed_at, statement, signature, timestamp_token, journal_seq, object_sha256)
              VALUES (${head.size}, ${Buffer.from(head.root)}, ${now}, ${statement}, ${Buffer.from(signature)}, ${Buffer.from(timestampToken)}, ${journaled.seq}, ${copy?.sha256 ?? null})`.execute(tx);
    return { treeSize: head.size, rootHash: head.root, signedAt: now, statement, signature, timestampToken, journalSeq: journaled.seq };
  });
}
