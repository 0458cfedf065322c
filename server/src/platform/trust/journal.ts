import { sql, type Kysely } from 'kysely';
import { canonicalJson, type JsonValue } from '#domain/trust/canonical-json.js';
import {
  appendNeeds,
  appendedNodes,
  consistencyRanges,
  inclusionRanges,
  nodesFor,
  rangeHash,
  rfc9162Hasher,
  rootNodes,
  type Digest,
  type LeafRange,
  type NodeRef,
} from '#domain/trust/merkle.js';
import type { Clock } from '../clock/clock.js';
import type { DB } from '../db/schema.js';
import type { Tx } from '../db/scope.js';
import { sha256 } from './pki.js';

/**
 * The trust journal: one append-only log of archive and evidence events, the leaves of an RFC 9162
 * Merkle tree (migration 0016). An entry is appended inside the transaction of the change it
 * records — both commit or neither does — and holds its own position (seq), so a row moved or
 * swapped shows as such. Appends queue on the head row's lock, held until the caller commits:
 * append at the end of a transaction.
 */
export const journalHasher = rfc9162Hasher(sha256);

export interface JournalEvent {
  /** What happened, e.g. `archive.deposited`, `archive.consulted`, `trust.checkpoint`. */
  readonly kind: string;
  /** Whose it is: the organisation reads its own entries; null for the provider's own. */
  readonly organisationId: string | null;
  /** What it is about (an archived item's id, …), for the item's audit trail. */
  readonly subject: string | null;
  readonly data: { readonly [key: string]: JsonValue };
}

export interface JournalEntry {
  readonly seq: number;
  readonly recordedAt: Date;
  /** The RFC 8785 bytes that were hashed, as stored. */
  readonly entry: string;
  readonly leafHash: Digest;
}

/** The canonical text of an entry: what is hashed, stored and shown in proofs. */
export function journalEntryText(seq: number, recordedAt: Date, event: JournalEvent): string {
  return canonicalJson({ seq, recorded_at: recordedAt.toISOString(), kind: event.kind, organisation_id: event.organisationId, subject: event.subject, data: event.data });
}

export function leafHashOf(entry: string): Digest {
  return journalHasher.leaf(new TextEncoder().encode(entry));
}

export async function appendToJournal(tx: Tx, clock: Clock, event: JournalEvent): Promise<JournalEntry> {
  const head = await sql<{ size: number }>`SELECT size FROM trust_journal_head FOR UPDATE`.execute(tx);
  const seq = Number(head.rows[0]!.size);
  const recordedAt = clock.now();
  const entry = journalEntryText(seq, recordedAt, event);
  const leafHash = leafHashOf(entry);
  const known = await readNodes(tx, appendNeeds(seq));
  const made = appendedNodes(seq, leafHash, lookupIn(known), journalHasher);
  await sql`INSERT INTO trust_journal (seq, recorded_at, kind, organisation_id, subject, entry)
            VALUES (${seq}, ${recordedAt}, ${event.kind}, ${event.organisationId}, ${event.subject}, ${entry})`.execute(tx);
  await sql`INSERT INTO trust_journal_nodes (level, index, hash)
            VALUES ${sql.join(made.map((n) => sql`(${n.level}, ${n.index}, ${Buffer.from(n.hash)})`))}`.execute(tx);
  await sql`UPDATE trust_journal_head SET size = ${seq + 1}`.execute(tx);
  return { seq, recordedAt, entry, leafHash };
}

export interface TreeHead {
  readonly size: number;
  readonly root: Digest;
}

/** The tree head now, or at an earlier size. */
export async function journalTreeHead(db: Kysely<DB> | Tx, size?: number): Promise<TreeHead> {
  const current = Number((await sql<{ size: number }>`SELECT size FROM trust_journal_head`.execute(db)).rows[0]!.size);
  const n = size ?? current;
  if (n > current) throw new RangeError(`the journal has ${current} entries, not ${n}`);
  const known = await readNodes(db, rootNodes(n));
  return { size: n, root: rangeHash([0, n], lookupIn(known), journalHasher) };
}

export async function journalInclusionProof(db: Kysely<DB> | Tx, seq: number, size: number): Promise<Digest[]> {
  return proofOf(db, inclusionRanges(seq, size));
}

export async function journalConsistencyProof(db: Kysely<DB> | Tx, oldSize: number, newSize: number): Promise<Digest[]> {
  return proofOf(db, consistencyRanges(oldSize, newSize));
}

/** One query for every node a proof needs, then the proof. */
async function proofOf(db: Kysely<DB> | Tx, ranges: LeafRange[]): Promise<Digest[]> {
  const lookup = lookupIn(await readNodes(db, nodesFor(ranges)));
  return ranges.map((range) => rangeHash(range, lookup, journalHasher));
}

const keyOf = (ref: NodeRef) => `${ref.level}/${ref.index}`;

async function readNodes(db: Kysely<DB> | Tx, refs: readonly NodeRef[]): Promise<Map<string, Digest>> {
  if (refs.length === 0) return new Map();
  const rows = await sql<{ level: number; index: number; hash: Uint8Array }>`
    SELECT level, index, hash FROM trust_journal_nodes
     WHERE (level, index) IN (${sql.join(refs.map((r) => sql`(${r.level}::smallint, ${r.index}::bigint)`))})`.execute(db);
  return new Map(rows.rows.map((r) => [keyOf({ level: Number(r.level), index: Number(r.index) }), new Uint8Array(r.hash)]));
}

function lookupIn(known: Map<string, Digest>): (ref: NodeRef) => Digest {
  return (ref) => {
    const hash = known.get(keyOf(ref));
    // A node the tree needs and the store lacks: the journal was tampered with, or is being read past its head.
    if (!hash) throw new Error(`the journal has no node ${keyOf(ref)}`);
    return hash;
  };
}
