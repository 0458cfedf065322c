import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../clock/clock.js';
import type { DB } from '../db/schema.js';
import { inScope, systemScope, type Tx } from '../db/scope.js';
import { unpem } from './pki.js';
import { appendToJournal } from './journal.js';
import type { TrustKeys } from './trust-keys.js';

/**
 * Which keys signed what: the certificates in use are journaled when first installed and at each
 * rotation (production replaces the files in PLI_KEYS_DIR, or its KMS hands new ones), so a
 * checkpoint signed years ago is checked against the seal certificate of its day — by the audit,
 * and by the proof bundles, which carry it.
 */
export const KEYS_INSTALLED = 'trust.keys_installed';
export const KEY_ROTATION = 'trust.key_rotation';

const fingerprint = (pem: string) => createHash('sha256').update(unpem('CERTIFICATE', pem)).digest('hex');

interface KeysEntry {
  seq: number;
  seal: string;
  sealSha256: string;
}

async function keyEntries(tx: Tx): Promise<KeysEntry[]> {
  const rows = await sql<{ seq: string | number; entry: string }>`
    SELECT seq, entry FROM trust_journal WHERE kind IN (${KEYS_INSTALLED}, ${KEY_ROTATION}) ORDER BY seq`.execute(tx);
  // An entry that no longer parses was tampered with: the audit reports it as changed, not here.
  return rows.rows.flatMap((r) => {
    try {
      const data = (JSON.parse(r.entry) as { data: { seal: string; seal_sha256: string } }).data;
      return typeof data.seal === 'string' ? [{ seq: Number(r.seq), seal: data.seal, sealSha256: data.seal_sha256 }] : [];
    } catch {
      return [];
    }
  });
}

/** At start: journals the certificates in use when they are new. Returns what it found. */
export async function recordKeysInUse(deps: { db: Kysely<DB>; clock: Clock }, keys: TrustKeys): Promise<'installed' | 'rotated' | 'unchanged'> {
  return inScope(deps.db, systemScope, async (tx) => {
    // The head's lock first: two processes starting together record a rotation once.
    await sql`SELECT size FROM trust_journal_head FOR UPDATE`.execute(tx);
    const last = (await keyEntries(tx)).at(-1);
    const now = { root: keys.root.certificatePem, seal: keys.seal.certificatePem, time_stamping: keys.timeStamping.certificatePem };
    const prints = { root_sha256: fingerprint(now.root), seal_sha256: fingerprint(now.seal), time_stamping_sha256: fingerprint(now.time_stamping) };
    if (last && last.sealSha256 === prints.seal_sha256) {
      const lastTsa = (await sql<{ entry: string }>`SELECT entry FROM trust_journal WHERE seq = ${last.seq}`.execute(tx)).rows[0]!;
      if ((JSON.parse(lastTsa.entry) as { data: { time_stamping_sha256: string } }).data.time_stamping_sha256 === prints.time_stamping_sha256) return 'unchanged';
    }
    await appendToJournal(tx, deps.clock, {
      kind: last ? KEY_ROTATION : KEYS_INSTALLED,
      organisationId: null,
      subject: null,
      data: { ...now, ...prints, previous_seal_sha256: last?.sealSha256 ?? null },
    });
    return last ? 'rotated' : 'installed';
  });
}

/**
 * The seal certificate that signed the checkpoint journaled at `journalSeq`: the last installed
 * or rotated before it; `fallback` for a journal older than its key history.
 */
export async function sealCertificateAt(tx: Tx, journalSeq: number, fallback: string): Promise<string> {
  return sealLookup(await keyEntries(tx), fallback)(journalSeq);
}

export async function sealCertificates(tx: Tx, fallback: string): Promise<(journalSeq: number) => string> {
  return sealLookup(await keyEntries(tx), fallback);
}

function sealLookup(entries: KeysEntry[], fallback: string): (journalSeq: number) => string {
  return (journalSeq) => {
    // Before the first record, the keys then installed were already the ones in use.
    let pem = entries[0]?.seal ?? fallback;
    for (const e of entries) if (e.seq < journalSeq) pem = e.seal;
    return pem;
  };
}
