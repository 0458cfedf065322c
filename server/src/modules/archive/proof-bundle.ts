import { sql } from 'kysely';
import { BUNDLE_FORMAT, type BundleCheckpoint, type ProofBundle } from '#verifier/bundle.js';
import { inScope, type Tx } from '../../platform/db/scope.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { CHECKPOINT_LOG_ID, writeCheckpoint } from '../../platform/trust/checkpoints.js';
import { appendToJournal, journalConsistencyProof, journalInclusionProof } from '../../platform/trust/journal.js';
import { sealCertificates } from '../../platform/trust/key-history.js';
import { getArchiveItem, type ArchiveDeps } from './archive.js';

/**
 * An archived item's proof bundle (format in verifier/src/bundle.ts): its journal entries with
 * their inclusion proofs in a checkpoint, that checkpoint (signed, time-stamped), the first
 * checkpoint that held the deposit with the consistency proof between the two, the file's own
 * RFC 3161 token and the certificates. The export is itself journaled (after: the next bundle
 * carries it), and a checkpoint is written first only when none holds the deposit yet.
 */
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

interface CheckpointRow {
  journal_seq: string | number;
  tree_size: string | number;
  root_hash: Uint8Array;
  signed_at: Date;
  statement: string;
  signature: Uint8Array;
  timestamp_token: Uint8Array;
}

const present = (cp: CheckpointRow, sealAt: (seq: number) => string, current: string): BundleCheckpoint => {
  const seal = sealAt(Number(cp.journal_seq));
  return {
    tree_size: Number(cp.tree_size),
    root_hash: b64(cp.root_hash),
    signed_at: new Date(cp.signed_at).toISOString(),
    statement: cp.statement,
    signature: b64(cp.signature),
    timestamp_token: b64(cp.timestamp_token),
    ...(seal === current ? {} : { seal_certificate: seal }),
  };
};

async function latestCheckpoint(tx: Tx): Promise<CheckpointRow | undefined> {
  return (await sql<CheckpointRow>`SELECT journal_seq, tree_size, root_hash, signed_at, statement, signature, timestamp_token FROM trust_checkpoints ORDER BY tree_size DESC LIMIT 1`.execute(tx)).rows[0];
}

export async function proofBundle(deps: ArchiveDeps, principal: UserPrincipal, id: string): Promise<ProofBundle> {
  const item = await getArchiveItem(deps, principal, id);
  const scope = scopeOf(principal);
  // Only a deposit no checkpoint holds yet forces one (in its first minutes): the bundle carries the
  // entries the latest checkpoint holds, and later ones reach the bundles after the next periodic
  // checkpoint — a checkpoint for every download or export would sign and keep one per click.
  const covered = await inScope(deps.db, scope, latestCheckpoint);
  if (!covered || Number(covered.tree_size) <= Number(item.deposit_seq)) await writeCheckpoint(deps.checkpoints, { force: true });

  const bundle = await inScope(deps.db, scope, async (tx) => {
    const cp = (await latestCheckpoint(tx))!;
    const size = Number(cp.tree_size);
    const entries = (await sql<{ seq: string | number; entry: string }>`SELECT seq, entry FROM trust_journal WHERE subject = ${item.id} AND seq < ${size} ORDER BY seq`.execute(tx)).rows;
    const first = (
      await sql<CheckpointRow>`SELECT journal_seq, tree_size, root_hash, signed_at, statement, signature, timestamp_token FROM trust_checkpoints WHERE tree_size > ${item.deposit_seq} ORDER BY tree_size LIMIT 1`.execute(tx)
    ).rows[0]!;
    const firstSize = Number(first.tree_size);
    const current = deps.keys.seal.certificatePem;
    const sealAt = await sealCertificates(tx, current);
    return {
      format: BUNDLE_FORMAT,
      issued_at: deps.clock.now().toISOString(),
      item: {
        id: item.id,
        tier: item.tier,
        filename: item.filename,
        size_bytes: Number(item.size_bytes),
        sha256: item.sha256,
        sha3_256: item.sha3_256,
        deposited_at: new Date(item.deposited_at).toISOString(),
        retention_years: item.retention_years,
        retain_until: item.retain_until ? new Date(item.retain_until).toISOString() : null,
      },
      file_timestamp_token: item.timestamp_token ? b64(item.timestamp_token) : null,
      journal: {
        log: CHECKPOINT_LOG_ID,
        entries: await Promise.all(entries.map(async (e) => ({ seq: Number(e.seq), entry: e.entry, inclusion: (await journalInclusionProof(tx, Number(e.seq), size)).map(b64) }))),
        checkpoint: present(cp, sealAt, current),
        earlier: firstSize < size ? { checkpoint: present(first, sealAt, current), consistency: (await journalConsistencyProof(tx, firstSize, size)).map(b64) } : null,
      },
      certificates: { root: deps.keys.root.certificatePem, seal: deps.keys.seal.certificatePem, time_stamping: deps.keys.timeStamping.certificatePem },
    } satisfies ProofBundle;
  });
  await inScope(deps.db, scope, (tx) => appendToJournal(tx, deps.clock, { kind: 'archive.proof_exported', organisationId: item.organisation_id, subject: item.id, data: { by: principal.userId, checkpoint: bundle.journal.checkpoint.tree_size } }));
  return bundle;
}
