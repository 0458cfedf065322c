import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestDatabase, tempDir, type TestDatabase } from '../../../test/helpers.js';
import { inScope, systemScope, type Tx } from '../db/scope.js';
import { createLocalDiskStorage } from '../storage/local-disk.storage.js';
import { writeCheckpoint, type CheckpointDeps } from './checkpoints.js';
import { appendToJournal } from './journal.js';
import { auditAndJournal, auditJournal } from './journal-audit.js';
import { recordKeysInUse } from './key-history.js';
import { certificateDer, generateKeyPair, issueCertificate, pem, privateKeyFromPem } from './pki.js';
import { builtInTimeStamper, createTimeStampAuthority } from './time-stamping.js';
import { loadOrCreateTrustKeys, type TrustKeys } from './trust-keys.js';

/**
 * Keys change (production rotates its seal; a KMS hands a new one): the rotation is journaled, and
 * checkpoints signed before it keep verifying against the certificate of their day. Each checkpoint
 * also has a copy in object storage under a retention, which the audit compares; findings alert
 * the provider in the audit's own transaction.
 */
describe.each(backends())('key history, checkpoint copies and alerts on %s', (kind) => {
  let dir: string;
  let keys: TrustKeys;
  let tdb: TestDatabase;
  const clock = { now: () => new Date() };

  beforeAll(async () => {
    dir = tempDir('key-history');
    keys = await loadOrCreateTrustKeys(path.join(dir, 'keys'), clock);
    tdb = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await tdb.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const deps = (seal = keys.seal): CheckpointDeps => ({ db: tdb.database.db, clock, seal, timeStamper: builtInTimeStamper(createTimeStampAuthority(keys.timeStamping, clock)), storage: createLocalDiskStorage(path.join(dir, 'objects'), clock) });
  const add = (n: number) => inScope(tdb.database.db, systemScope, async (tx) => {
    for (let i = 0; i < n; i += 1) await appendToJournal(tx, clock, { kind: 'archive.deposited', organisationId: null, subject: `arc_${i}`, data: { i } });
  });
  const auditKeys = (k: TrustKeys) => ({ sealCertificatePem: k.seal.certificatePem, rootCertificate: k.root.certificate });

  it('journals the keys once when installed, a rotation when the seal changes, and keeps old checkpoints verifiable', async () => {
    expect(await recordKeysInUse({ db: tdb.database.db, clock }, keys)).toBe('installed');
    expect(await recordKeysInUse({ db: tdb.database.db, clock }, keys)).toBe('unchanged');
    await add(5);
    await writeCheckpoint(deps());

    // A new seal certificate from the same root, as an operator would install it.
    const rootKey = (await privateKeyFromPem(fs.readFileSync(path.join(dir, 'keys', 'root.key.pem'), 'utf8'))).privateKey;
    const pair = await generateKeyPair();
    const now = clock.now();
    const certificate = await issueCertificate({ subject: 'Pli seal (2)', publicKey: pair.publicKey, issuer: { certificate: keys.root.certificate, privateKey: rootKey }, notBefore: new Date(now.getTime() - 3600_000), notAfter: new Date(now.getTime() + 86_400_000), kind: 'seal' });
    const rotated: TrustKeys = { ...keys, seal: { certificate, certificatePem: pem('CERTIFICATE', certificateDer(certificate)), privateKey: pair.privateKey } };
    expect(await recordKeysInUse({ db: tdb.database.db, clock }, rotated)).toBe('rotated');
    await add(3);
    await writeCheckpoint(deps(rotated.seal));

    const kinds = (await sql<{ kind: string }>`SELECT kind FROM trust_journal WHERE kind LIKE 'trust.key%' ORDER BY seq`.execute(tdb.database.db)).rows.map((r) => r.kind);
    expect(kinds).toEqual(['trust.keys_installed', 'trust.key_rotation']);
    // Today's seal is the rotated one; the first checkpoint still verifies, against its own.
    const report = await auditJournal(tdb.database.db, auditKeys(rotated), undefined, deps().storage);
    expect(report).toMatchObject({ ok: true, checkpoints: 2, findings: [] });
  });

  it('a checkpoint whose copy in object storage changed or went missing is reported, and the provider alerted', async () => {
    const storage = deps().storage!;
    const { rows } = await sql<{ tree_size: string; object_sha256: string }>`SELECT tree_size, object_sha256 FROM trust_checkpoints ORDER BY tree_size`.execute(tdb.database.db);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(await storage.retainedUntil(r.object_sha256)).not.toBeNull();
    // The copy of the first checkpoint altered on disk behind the storage's back.
    const first = rows[0]!;
    const file = path.join(dir, 'objects', first.object_sha256.slice(0, 2), first.object_sha256.slice(2, 4), first.object_sha256);
    fs.chmodSync(file, 0o644);
    const copy = fs.readFileSync(file);
    copy[copy.length - 10] = copy[copy.length - 10]! ^ 1;
    fs.writeFileSync(file, copy);

    const alerts: string[][] = [];
    const seen: Tx[] = [];
    const report = await auditAndJournal({ db: tdb.database.db, clock, storage }, keys, { error: () => undefined } as never, undefined, async (tx, findings) => {
      seen.push(tx);
      alerts.push(findings);
    });
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([{ kind: 'checkpoint_mismatch', treeSize: Number(first.tree_size), detail: 'its copy in object storage says otherwise' }]);
    expect(alerts).toEqual([[`The checkpoint of ${first.tree_size} entries no longer matches the journal: its copy in object storage says otherwise.`]]);
    expect(seen).toHaveLength(1);

    fs.rmSync(file);
    const missing = await auditJournal(tdb.database.db, auditKeys(keys), undefined, storage);
    expect(missing.findings).toContainEqual({ kind: 'checkpoint_mismatch', treeSize: Number(first.tree_size), detail: 'its copy in object storage is missing' });
  });
});
