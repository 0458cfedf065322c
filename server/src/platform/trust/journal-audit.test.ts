import { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestDatabase, tempDir, type TestDatabase } from '../../../test/helpers.js';
import { inScope, systemScope } from '../db/scope.js';
import { checkpointStatement, writeCheckpoint } from './checkpoints.js';
import { appendToJournal } from './journal.js';
import { auditAndJournal, auditJournal, type AuditKeys } from './journal-audit.js';
import { generateKeyPair } from './pki.js';
import { builtInTimeStamper, createTimeStampAuthority } from './time-stamping.js';
import { loadOrCreateTrustKeys, type TrustKeys } from './trust-keys.js';

/**
 * The tampering the acceptance names, done as a superuser would (triggers switched off), each on
 * a journal of its own: 10 entries, a checkpoint (size 10, itself entry 10), 5 more, a checkpoint
 * (size 16, entry 16).
 */
describe.each(backends())('the journal audit on %s', (kind) => {
  let dir: string;
  let keys: TrustKeys;
  let auditKeys: AuditKeys;
  const clock = { now: () => new Date('2026-12-01T08:00:00.000Z') };
  const open: TestDatabase[] = [];

  beforeAll(async () => {
    dir = tempDir('audit');
    keys = await loadOrCreateTrustKeys(path.join(dir, 'keys'), clock);
    auditKeys = { sealCertificatePem: keys.seal.certificatePem, rootCertificate: keys.root.certificate };
  });
  afterAll(async () => {
    for (const t of open) await t.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function journaled(): Promise<TestDatabase> {
    const tdb = await createTestDatabase(kind);
    open.push(tdb);
    const deps = { db: tdb.database.db, clock, seal: keys.seal, timeStamper: builtInTimeStamper(createTimeStampAuthority(keys.timeStamping, clock)) };
    const add = (i: number) => inScope(tdb.database.db, systemScope, (tx) => appendToJournal(tx, clock, { kind: 'archive.deposited', organisationId: null, subject: `arc_${i}`, data: { sha256: `hash-${i}` } }));
    for (let i = 0; i < 10; i += 1) await add(i);
    await writeCheckpoint(deps);
    for (let i = 10; i < 15; i += 1) await add(i);
    await writeCheckpoint(deps);
    return tdb;
  }

  /** As a superuser: the append-only triggers off, the change, the triggers on again. */
  async function tamper(tdb: TestDatabase, table: string, ...changes: RawBuilder<unknown>[]): Promise<void> {
    await sql`ALTER TABLE ${sql.table(table)} DISABLE TRIGGER USER`.execute(tdb.database.db);
    for (const change of changes) await change.execute(tdb.database.db);
    await sql`ALTER TABLE ${sql.table(table)} ENABLE TRIGGER USER`.execute(tdb.database.db);
  }

  it('an untouched journal verifies up to its last checkpoint', async () => {
    const report = await auditJournal((await journaled()).database.db, auditKeys);
    expect(report).toEqual({ entries: 17, checkpoints: 2, verifiedUpTo: 16, findings: [], ok: true });
  });

  it('an entry edited in the database: which one, and the checkpoints it breaks', async () => {
    const tdb = await journaled();
    await tamper(tdb, 'trust_journal', sql`UPDATE trust_journal SET entry = replace(entry, 'hash-3', 'hash-X') WHERE seq = 3`);
    const report = await auditJournal(tdb.database.db, auditKeys);
    expect(report.ok).toBe(false);
    expect(report.verifiedUpTo).toBe(0);
    expect(report.findings).toEqual([
      { kind: 'entry_changed', seq: 3, detail: 'its text no longer has the hash recorded when it was journaled' },
      { kind: 'checkpoint_mismatch', treeSize: 10, detail: 'entry 3 differs from what it vouched for' },
      { kind: 'checkpoint_mismatch', treeSize: 16, detail: 'entry 3 differs from what it vouched for' },
    ]);
  });

  it('an entry edited together with its recorded hash: the signed checkpoint still tells where', async () => {
    const tdb = await journaled();
    // Entry 13 (the 13th deposit, after the first checkpoint's own entry 10).
    const forged = sql<{ e: string }>`SELECT replace(entry, 'hash-12', 'hash-Y') AS e FROM trust_journal WHERE seq = 13`;
    const text = (await forged.execute(tdb.database.db)).rows[0]!.e;
    const { leafHashOf } = await import('./journal.js');
    expect(text).toContain('hash-Y');
    await tamper(tdb, 'trust_journal', sql`UPDATE trust_journal SET entry = ${text} WHERE seq = 13`);
    await tamper(tdb, 'trust_journal_nodes', sql`UPDATE trust_journal_nodes SET hash = ${Buffer.from(leafHashOf(text))} WHERE level = 0 AND index = 13`);
    const report = await auditJournal(tdb.database.db, auditKeys);
    expect(report.verifiedUpTo).toBe(10);
    expect(report.findings).toEqual([{ kind: 'checkpoint_mismatch', treeSize: 16, detail: 'an entry between 10 and 15 differs from what it vouched for' }]);
  });

  it('the scheduled audit journals its outcome, and tells the provider’s log what it found', async () => {
    const tdb = await journaled();
    const errors: unknown[] = [];
    const logger = { error: (fields: unknown, message: string) => errors.push({ fields, message }) } as unknown as Parameters<typeof auditAndJournal>[2];
    expect((await auditAndJournal({ db: tdb.database.db, clock }, keys, logger)).ok).toBe(true);
    await tamper(tdb, 'trust_journal', sql`DELETE FROM trust_journal WHERE seq = 0`);
    expect((await auditAndJournal({ db: tdb.database.db, clock }, keys, logger)).ok).toBe(false);
    const checks = (await sql<{ entry: string }>`SELECT entry FROM trust_journal WHERE kind = 'trust.integrity_check' ORDER BY seq`.execute(tdb.database.db)).rows.map((r) => JSON.parse(r.entry).data);
    expect(checks.map((c) => c.ok)).toEqual([true, false]);
    expect(checks[1].findings[0]).toBe('Entry 0 is missing.');
    expect(errors).toEqual([{ fields: { findings: expect.arrayContaining(['Entry 0 is missing.']) }, message: 'the trust journal failed its integrity audit' }]);
  });

  it('an entry deleted', async () => {
    const tdb = await journaled();
    await tamper(tdb, 'trust_journal', sql`DELETE FROM trust_journal WHERE seq = 4`);
    const report = await auditJournal(tdb.database.db, auditKeys);
    expect(report.findings).toEqual([
      { kind: 'entry_missing', seq: 4 },
      { kind: 'checkpoint_mismatch', treeSize: 10, detail: 'the entries it covers are not all there (the first gap is at 4)' },
      { kind: 'checkpoint_mismatch', treeSize: 16, detail: 'the entries it covers are not all there (the first gap is at 4)' },
    ]);
  });

  it('two entries swapped', async () => {
    const tdb = await journaled();
    const [two, five] = (await sql<{ entry: string }>`SELECT entry FROM trust_journal WHERE seq IN (2, 5) ORDER BY seq`.execute(tdb.database.db)).rows.map((r) => r.entry);
    await tamper(tdb, 'trust_journal', sql`UPDATE trust_journal SET entry = ${five} WHERE seq = 2`, sql`UPDATE trust_journal SET entry = ${two} WHERE seq = 5`);
    const report = await auditJournal(tdb.database.db, auditKeys);
    expect(report.findings.filter((f) => f.kind !== 'checkpoint_mismatch')).toEqual([
      { kind: 'entry_changed', seq: 2, detail: 'its text no longer has the hash recorded when it was journaled' },
      { kind: 'entry_changed', seq: 5, detail: 'its text no longer has the hash recorded when it was journaled' },
      { kind: 'entries_swapped', seqs: [2, 5] },
    ]);
    expect(report.findings.filter((f) => f.kind === 'checkpoint_mismatch').map((f) => 'treeSize' in f && f.treeSize)).toEqual([10, 16]);
  });

  it('a checkpoint replaced by one signed with another key, or edited, or given another’s time-stamp', async () => {
    const tdb = await journaled();
    const other = await generateKeyPair();
    const root = new Uint8Array(32).fill(7);
    const statement = checkpointStatement(10, root, clock.now());
    const signature = new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, other.privateKey, new TextEncoder().encode(statement)));
    await tamper(tdb, 'trust_checkpoints', sql`UPDATE trust_checkpoints SET root_hash = ${Buffer.from(root)}, statement = ${statement}, signature = ${Buffer.from(signature)} WHERE tree_size = 10`);
    const report = await auditJournal(tdb.database.db, auditKeys);
    expect(report.findings).toEqual([{ kind: 'checkpoint_forged', treeSize: 10, detail: 'its signature is not the seal key’s' }]);
    expect(report.verifiedUpTo).toBe(16); // the later checkpoint still vouches for every entry

    const tdb2 = await journaled();
    await tamper(tdb2, 'trust_checkpoints', sql`UPDATE trust_checkpoints SET root_hash = ${Buffer.from(root)} WHERE tree_size = 16`);
    expect((await auditJournal(tdb2.database.db, auditKeys)).findings).toEqual([{ kind: 'checkpoint_forged', treeSize: 16, detail: 'its row does not say what its signed statement says' }]);

    const tdb3 = await journaled();
    await tamper(tdb3, 'trust_checkpoints', sql`UPDATE trust_checkpoints SET timestamp_token = (SELECT timestamp_token FROM trust_checkpoints WHERE tree_size = 10) WHERE tree_size = 16`);
    expect((await auditJournal(tdb3.database.db, auditKeys)).findings).toEqual([{ kind: 'checkpoint_forged', treeSize: 16, detail: 'its time-stamp is for another statement' }]);
  });
});
