import { createHash, verify as verifySignature, X509Certificate, type KeyObject } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import * as pkijs from 'pkijs';
import { appendedNodes, rangeHash, sameDigest as equal, type Digest, type NodeRef } from '#domain/trust/merkle.js';
import type { DB } from '../db/schema.js';
import { inScope, systemScope, type Tx } from '../db/scope.js';
import { checkpointObject, checkpointStatement } from './checkpoints.js';
import type { ObjectStorage } from '../storage/storage.port.js';
import type { Clock } from '../clock/clock.js';
import type { Logger } from '../logger/logger.js';
import { appendToJournal, journalHasher, leafHashOf } from './journal.js';
import type { TrustKeys } from './trust-keys.js';
import { OID } from './pki.js';
import { sealCertificates } from './key-history.js';

/**
 * The journal's integrity audit: everything recomputed from what is stored, trusting nothing the
 * database says about itself but the signed, time-stamped checkpoints — and those only once their
 * signature and token verify. It says precisely what is wrong: which entry changed, went missing,
 * moved or swapped places, which checkpoint was replaced or no longer matches its entries.
 */
export type JournalFinding =
  | { readonly kind: 'entry_changed'; readonly seq: number; readonly detail: string }
  | { readonly kind: 'entry_missing'; readonly seq: number }
  | { readonly kind: 'entry_moved'; readonly seq: number; readonly says: number }
  | { readonly kind: 'entries_swapped'; readonly seqs: readonly [number, number] }
  | { readonly kind: 'checkpoint_forged'; readonly treeSize: number; readonly detail: string }
  | { readonly kind: 'checkpoint_mismatch'; readonly treeSize: number; readonly detail: string }
  | { readonly kind: 'object_changed' | 'object_missing'; readonly subject: string; readonly sha256: string };

/** Re-hashes the stored objects the journal vouches for (the archive's): what changed or went missing. */
export type ObjectAudit = () => Promise<Array<{ id: string; sha256: string; problem: 'changed' | 'missing' }>>;

export interface JournalAudit {
  readonly entries: number;
  readonly checkpoints: number;
  /** The largest checkpointed size whose entries all verify (0: none). */
  readonly verifiedUpTo: number;
  readonly findings: readonly JournalFinding[];
  readonly ok: boolean;
}

export interface AuditKeys {
  /** The seal certificate (PEM) whose key signs checkpoints, for those older than the journaled key history. */
  readonly sealCertificatePem: string;
  /** The root the time-stamping certificate chains to. */
  readonly rootCertificate: pkijs.Certificate;
}

export async function auditJournal(db: Kysely<DB>, keys: AuditKeys, objects?: ObjectAudit, storage?: ObjectStorage): Promise<JournalAudit> {
  // The system scope: every organisation's entries (row-level security binds the owner too).
  const report = await inScope(db, systemScope, (tx) => audit(tx, keys, storage));
  if (!objects) return report;
  const found: JournalFinding[] = (await objects()).map((o) => ({ kind: o.problem === 'changed' ? 'object_changed' : 'object_missing', subject: o.id, sha256: o.sha256 }));
  return { ...report, findings: [...report.findings, ...found], ok: report.ok && found.length === 0 };
}

async function audit(db: Tx, keys: AuditKeys, storage?: ObjectStorage): Promise<JournalAudit> {
  const findings: JournalFinding[] = [];
  const rows = (await sql<{ seq: number; entry: string }>`SELECT seq, entry FROM trust_journal ORDER BY seq`.execute(db)).rows.map((r) => ({ seq: Number(r.seq), entry: r.entry }));
  const stored = new Map(
    (await sql<{ index: number; hash: Uint8Array }>`SELECT index, hash FROM trust_journal_nodes WHERE level = 0`.execute(db)).rows.map((r) => [Number(r.index), new Uint8Array(r.hash)]),
  );
  const head = Number((await sql<{ size: number }>`SELECT size FROM trust_journal_head`.execute(db)).rows[0]!.size);
  const size = Math.max(head, rows.length > 0 ? rows[rows.length - 1]!.seq + 1 : 0);

  // Each position: present? in its place? still the bytes that were hashed?
  const bySeq = new Map(rows.map((r) => [r.seq, r.entry]));
  const says = new Map<number, number>();
  for (let seq = 0; seq < size; seq += 1) {
    const entry = bySeq.get(seq);
    if (entry === undefined) {
      findings.push({ kind: 'entry_missing', seq });
      continue;
    }
    const claimed = claimedSeq(entry);
    if (claimed !== seq) says.set(seq, claimed);
    const recorded = stored.get(seq);
    if (recorded && !equal(recorded, leafHashOf(entry))) findings.push({ kind: 'entry_changed', seq, detail: 'its text no longer has the hash recorded when it was journaled' });
  }
  for (const [seq, other] of says) {
    if (other >= 0 && says.get(other) === seq) {
      if (seq < other) findings.push({ kind: 'entries_swapped', seqs: [seq, other] });
    } else {
      findings.push({ kind: 'entry_moved', seq, says: other });
    }
  }

  // The tree the entries make, as they are now (a missing entry leaves the tree unmakeable past it).
  const nodes = new Map<string, Digest>();
  const key = (r: NodeRef) => `${r.level}/${r.index}`;
  const lookup = (r: NodeRef) => nodes.get(key(r))!;
  let built = 0;
  for (; built < size && bySeq.has(built); built += 1) {
    for (const n of appendedNodes(built, leafHashOf(bySeq.get(built)!), lookup, journalHasher)) nodes.set(key(n), n.hash);
  }

  const checkpoints = (
    await sql<{ tree_size: number; root_hash: Uint8Array; signed_at: Date; statement: string; signature: Uint8Array; timestamp_token: Uint8Array; journal_seq: number; object_sha256: string | null }>`
      SELECT tree_size, root_hash, signed_at, statement, signature, timestamp_token, journal_seq, object_sha256 FROM trust_checkpoints ORDER BY tree_size`.execute(db)
  ).rows;
  // Each checkpoint against the seal certificate of its day (key rotations are journaled).
  const sealAt = await sealCertificates(db, keys.sealCertificatePem);
  let verifiedUpTo = 0;
  let lastGood = 0;
  for (const cp of checkpoints) {
    const treeSize = Number(cp.tree_size);
    const forged = await checkpointForgery(cp, treeSize, new X509Certificate(sealAt(Number(cp.journal_seq))).publicKey, keys.rootCertificate);
    if (forged) {
      findings.push({ kind: 'checkpoint_forged', treeSize, detail: forged });
      continue;
    }
    // Its copy kept outside the database (WORM) must say the same.
    if (storage && cp.object_sha256) {
      const copy = await storage.getBuffer(cp.object_sha256).catch(() => null);
      if (!copy || !copy.equals(checkpointObject(cp.statement, cp.signature, cp.timestamp_token))) {
        findings.push({ kind: 'checkpoint_mismatch', treeSize, detail: copy ? 'its copy in object storage says otherwise' : 'its copy in object storage is missing' });
        continue;
      }
    }
    if (treeSize > built) {
      findings.push({ kind: 'checkpoint_mismatch', treeSize, detail: `the entries it covers are not all there (the first gap is at ${built})` });
      continue;
    }
    if (!equal(rangeHash([0, treeSize], lookup, journalHasher), new Uint8Array(cp.root_hash))) {
      const changed = findings.filter((f) => (f.kind === 'entry_changed' || f.kind === 'entry_moved') && f.seq < treeSize && f.seq >= lastGood).map((f) => (f as { seq: number }).seq);
      findings.push({
        kind: 'checkpoint_mismatch',
        treeSize,
        detail: changed.length === 1 ? `entry ${changed[0]} differs from what it vouched for` : changed.length > 1 ? `entries ${changed.join(', ')} differ from what it vouched for` : `an entry between ${lastGood} and ${treeSize - 1} differs from what it vouched for`,
      });
      continue;
    }
    lastGood = treeSize;
    if (!findings.some((f) => 'seq' in f && f.seq < treeSize)) verifiedUpTo = treeSize;
  }
  return { entries: rows.length, checkpoints: checkpoints.length, verifiedUpTo, findings, ok: findings.length === 0 };
}

/** Why a checkpoint cannot be the one Pli wrote, or null when its signature and token hold. */
async function checkpointForgery(
  cp: { root_hash: Uint8Array; signed_at: Date; statement: string; signature: Uint8Array; timestamp_token: Uint8Array },
  treeSize: number,
  sealKey: KeyObject,
  root: pkijs.Certificate,
): Promise<string | null> {
  if (cp.statement !== checkpointStatement(treeSize, new Uint8Array(cp.root_hash), new Date(cp.signed_at))) return 'its row does not say what its signed statement says';
  if (!verifySignature('sha256', Buffer.from(cp.statement), { key: sealKey, dsaEncoding: 'ieee-p1363' }, cp.signature)) return 'its signature is not the seal key’s';
  try {
    const signed = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(cp.timestamp_token)).content });
    const tst = pkijs.TSTInfo.fromBER(signed.encapContentInfo.eContent!.getValue());
    const imprint = new Uint8Array(tst.messageImprint.hashedMessage.valueBlock.valueHexView);
    if (tst.messageImprint.hashAlgorithm.algorithmId !== OID.sha256 || !equal(imprint, new Uint8Array(createHash('sha256').update(cp.statement).digest()))) {
      return 'its time-stamp is for another statement';
    }
    // For a time-stamp token pkijs also checks the imprint against the data it is given.
    const ok = await signed.verify({ signer: 0, trustedCerts: [root], checkChain: true, data: new TextEncoder().encode(cp.statement).buffer as ArrayBuffer });
    if (!ok) return 'its time-stamp does not verify';
  } catch (err) {
    return `its time-stamp does not verify (${(err as Error).message ?? err})`;
  }
  return null;
}

/** Who is told when the audit finds something (the provider's administrators, by e-mail), in the audit's transaction. */
export type AuditAlert = (tx: Tx, findings: string[]) => Promise<void>;

/** The scheduled audit: its outcome is itself journaled; findings go to the provider's error log and its alert. */
export async function auditAndJournal(deps: { db: Kysely<DB>; clock: Clock; storage?: ObjectStorage }, keys: TrustKeys, logger: Logger, objects?: ObjectAudit, alert?: AuditAlert): Promise<JournalAudit> {
  const report = await auditJournal(deps.db, { sealCertificatePem: keys.seal.certificatePem, rootCertificate: keys.root.certificate }, objects, deps.storage);
  const findings = report.findings.map(describeFinding);
  await inScope(deps.db, systemScope, async (tx) => {
    await appendToJournal(tx, deps.clock, {
      kind: 'trust.integrity_check',
      organisationId: null,
      subject: null,
      data: { ok: report.ok, entries: report.entries, checkpoints: report.checkpoints, verified_up_to: report.verifiedUpTo, findings },
    });
    if (!report.ok) await alert?.(tx, findings);
  });
  if (!report.ok) logger.error({ findings }, 'the trust journal failed its integrity audit');
  return report;
}

/** The alert e-mail (French first, then English: the provider reads both). */
export function integrityAlertEmail(to: { email: string; name: string }, findings: string[]): { to: string; subject: string; text: string; template: string } {
  return {
    to: to.email,
    subject: `Pli — contrôle d’intégrité : ${findings.length} anomalie(s) / integrity audit: ${findings.length} finding(s)`,
    template: 'integrity_alert',
    text: [
      `Bonjour ${to.name},`,
      '',
      'Le contrôle d’intégrité du journal de confiance et des archives a trouvé ce qui suit (en anglais) :',
      '',
      ...findings.map((f) => `- ${f}`),
      '',
      'Relancez-le avec « npm run pli -- journal audit » une fois la cause trouvée.',
      '',
      '—',
      '',
      `Hello ${to.name},`,
      '',
      'The integrity audit of the trust journal and the archives found the above. Run it again with "npm run pli -- journal audit" once the cause is found.',
    ].join('\n'),
  };
}

/** A finding as the operator reads it. */
export function describeFinding(f: JournalFinding): string {
  switch (f.kind) {
    case 'entry_changed':
      return `Entry ${f.seq} was changed: ${f.detail}.`;
    case 'entry_missing':
      return `Entry ${f.seq} is missing.`;
    case 'entry_moved':
      return f.says < 0 ? `Entry ${f.seq} no longer says which entry it is.` : `The entry at position ${f.seq} says it is entry ${f.says}: it was moved.`;
    case 'entries_swapped':
      return `Entries ${f.seqs[0]} and ${f.seqs[1]} were swapped.`;
    case 'checkpoint_forged':
      return `The checkpoint of ${f.treeSize} entries is not one Pli signed: ${f.detail}.`;
    case 'checkpoint_mismatch':
      return `The checkpoint of ${f.treeSize} entries no longer matches the journal: ${f.detail}.`;
    case 'object_changed':
      return `The stored file of ${f.subject} no longer has its SHA-256 ${f.sha256}: its bytes were changed.`;
    case 'object_missing':
      return `The stored file of ${f.subject} (SHA-256 ${f.sha256}) is missing.`;
  }
}

function claimedSeq(entry: string): number {
  try {
    const seq = (JSON.parse(entry) as { seq?: unknown }).seq;
    return typeof seq === 'number' ? seq : -1;
  } catch {
    return -1;
  }
}

