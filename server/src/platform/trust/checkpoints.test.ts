import { spawnSync } from 'node:child_process';
import { createHash, verify, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestDatabase, tempDir, type TestDatabase } from '../../../test/helpers.js';
import { lacks } from '../../../test/outside-tools.js';
import { inScope, systemScope } from '../db/scope.js';
import { writeCheckpoint, type CheckpointDeps } from './checkpoints.js';
import { appendToJournal, journalTreeHead } from './journal.js';
import { builtInTimeStamper, createTimeStampAuthority } from './time-stamping.js';
import { loadOrCreateTrustKeys, type TrustKeys } from './trust-keys.js';

describe.each(backends())('journal checkpoints on %s', (kind) => {
  let tdb: TestDatabase;
  let dir: string;
  let keys: TrustKeys;
  let now = new Date('2026-12-01T08:00:00.000Z');
  const clock = { now: () => now };
  let deps: CheckpointDeps;
  const journal = (i: number) => inScope(tdb.database.db, systemScope, (tx) => appendToJournal(tx, clock, { kind: 'test.event', organisationId: null, subject: null, data: { i } }));
  const count = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM trust_checkpoints`.execute(tdb.database.db)).rows[0]!.n);

  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    dir = tempDir('checkpoints');
    keys = await loadOrCreateTrustKeys(path.join(dir, 'keys'), clock);
    deps = { db: tdb.database.db, clock, seal: keys.seal, timeStamper: builtInTimeStamper(createTimeStampAuthority(keys.timeStamping, clock)) };
  });
  afterAll(async () => {
    await tdb.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('signs the tree head with the seal key and has it time-stamped; the checkpoint joins the journal', async () => {
    expect(await writeCheckpoint(deps)).toBeNull(); // an empty journal has nothing to vouch for
    for (let i = 0; i < 5; i += 1) await journal(i);
    const cp = (await writeCheckpoint(deps))!;
    expect(cp.treeSize).toBe(5);
    expect(cp.journalSeq).toBe(5);
    const head5 = await journalTreeHead(tdb.database.db, 5);
    expect(JSON.parse(cp.statement)).toEqual({ log: 'pli-trust-journal/v1', tree_size: 5, root_hash: Buffer.from(head5.root).toString('base64'), signed_at: now.toISOString() });
    const sealKey = new X509Certificate(keys.seal.certificatePem).publicKey;
    expect(verify('sha256', Buffer.from(cp.statement), { key: sealKey, dsaEncoding: 'ieee-p1363' }, cp.signature)).toBe(true);
    expect(verify('sha256', Buffer.from(cp.statement.replace('"tree_size":5', '"tree_size":6')), { key: sealKey, dsaEncoding: 'ieee-p1363' }, cp.signature)).toBe(false);
    expect((await journalTreeHead(tdb.database.db)).size).toBe(6);
  });

  it.skipIf(lacks('openssl'))('openssl verifies the checkpoint’s time-stamp over the statement', async () => {
    const row = (await sql<{ statement: string; timestamp_token: Uint8Array }>`SELECT statement, timestamp_token FROM trust_checkpoints ORDER BY tree_size LIMIT 1`.execute(tdb.database.db)).rows[0]!;
    fs.writeFileSync(path.join(dir, 'token.der'), row.timestamp_token);
    const digest = createHash('sha256').update(row.statement).digest('hex');
    const r = spawnSync('openssl', ['ts', '-verify', '-digest', digest, '-token_in', '-in', path.join(dir, 'token.der'), '-CAfile', path.join(dir, 'keys', 'root.crt.pem')], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toContain('Verification: OK');
  });

  it('writes none while nothing new was journaled, one a day anyway, and one as soon as there is news', async () => {
    const before = await count();
    expect(await writeCheckpoint(deps)).toBeNull();
    now = new Date(now.getTime() + 25 * 3600 * 1000);
    expect((await writeCheckpoint(deps))?.treeSize).toBe(6); // the day's, covering the last checkpoint's entry
    expect(await writeCheckpoint(deps)).toBeNull();
    await journal(99);
    expect((await writeCheckpoint(deps))?.treeSize).toBe(8);
    expect(await count()).toBe(before + 2);
  });

  it('two processes checkpointing at the same moment write one checkpoint', async () => {
    await journal(100);
    const before = await count();
    const results = await Promise.all([writeCheckpoint(deps), writeCheckpoint(deps), writeCheckpoint(deps)]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await count()).toBe(before + 1);
  });

  it('a checkpoint is append-only, even to the owner', async () => {
    await expect(sql`UPDATE trust_checkpoints SET root_hash = root_hash`.execute(tdb.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM trust_checkpoints`.execute(tdb.database.db)).rejects.toThrow(/append-only/);
  });
});
