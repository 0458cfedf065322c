import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestDatabase, until, type TestDatabase } from '../../../test/helpers.js';
import { createEffectTables, slowHandler, slowJob } from '../../../test/fixtures/slow-job.js';
import { inScope, systemScope } from '../db/scope.js';
import { createJobQueue, type JobQueue } from './job-queue.js';

const count = async (tdb: TestDatabase, table: 'test_job_starts' | 'test_job_effects', key: string) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE key = ${key}`.execute(tdb.database.db)).rows[0]!.n;

describe.each(backends())('jobs on %s', (kind) => {
  let tdb: TestDatabase;
  let queue: JobQueue;

  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    await createEffectTables(tdb.database);
    queue = createJobQueue(tdb.database, { pollingIntervalSeconds: 0.5 });
    queue.work(slowJob, slowHandler(tdb.database));
    await queue.start({ work: true });
  });
  afterAll(async () => {
    await queue.stop();
    await tdb.dispose();
  });

  it('a job enqueued in a rolled-back transaction never runs', async () => {
    await expect(
      inScope(tdb.database.db, { kind: 'organisation', organisationId: 'org_x' }, async (tx) => {
        await queue.enqueue(tx, slowJob, { key: 'rolled-back', work_ms: 0 });
        throw new Error('the change that needed the job failed');
      }),
    ).rejects.toThrow('the change');
    // A committed job enqueued after it runs, so the queue was polled past the rolled-back one.
    await inScope(tdb.database.db, systemScope, (tx) => queue.enqueue(tx, slowJob, { key: 'after-rollback', work_ms: 0 }));
    await until('the committed job', async () => (await count(tdb, 'test_job_effects', 'after-rollback')) === 1);
    expect(await count(tdb, 'test_job_starts', 'rolled-back')).toBe(0);
    expect(await queue.pending(slowJob)).toBe(0);
  });

  it('a job enqueued in a committed transaction runs exactly once', async () => {
    await inScope(tdb.database.db, { kind: 'organisation', organisationId: 'org_x' }, (tx) => queue.enqueue(tx, slowJob, { key: 'committed', work_ms: 10 }));
    await until('the job to run', async () => (await count(tdb, 'test_job_effects', 'committed')) === 1);
    await new Promise((r) => setTimeout(r, 1500)); // time for a duplicate to show up, if any
    expect(await count(tdb, 'test_job_starts', 'committed')).toBe(1);
    expect(await count(tdb, 'test_job_effects', 'committed')).toBe(1);
  });

  it('refuses a payload that does not match the job’s schema, before anything is stored', async () => {
    await expect(
      inScope(tdb.database.db, systemScope, (tx) => queue.enqueue(tx, slowJob, { key: 42 } as never)),
    ).rejects.toThrow();
  });
});

/** Several processes on one database: needs PostgreSQL (TEST_DATABASE_URL). */
describe.runIf(backends().includes('postgres'))('a worker killed mid-job (PostgreSQL, real processes)', () => {
  let tdb: TestDatabase;
  const children: ChildProcess[] = [];
  const root = path.resolve(import.meta.dirname, '../../../..');

  function startWorker(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/test/fixtures/job-worker.ts'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: tdb.url! },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('worker ready')) resolve(child);
      });
      child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      child.on('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${out}`)));
    });
  }

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    await createEffectTables(tdb.database);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await tdb.dispose();
  });

  it('the job runs again on another worker and its effect happens once', async () => {
    const producer = createJobQueue(tdb.database);
    producer.register(slowJob);
    await producer.start({ work: false });
    await inScope(tdb.database.db, systemScope, (tx) => producer.enqueue(tx, slowJob, { key: 'killed', work_ms: 4000 }));

    const first = await startWorker();
    await until('the first worker to start the job', async () => (await count(tdb, 'test_job_starts', 'killed')) >= 1);
    first.kill('SIGKILL'); // mid-job: it sleeps 4 s before recording its effect
    await new Promise((r) => first.once('exit', r));
    expect(await count(tdb, 'test_job_effects', 'killed')).toBe(0);

    await startWorker();
    try {
      await until('the retried job to finish', async () => (await count(tdb, 'test_job_effects', 'killed')) === 1, 120_000);
    } catch (err) {
      const jobs = await sql`SELECT state, retry_count, started_on, created_on, start_after FROM pgboss.job WHERE name = 'test.slow'`.execute(tdb.database.db);
      throw new Error(`${(err as Error).message}: ${JSON.stringify(jobs.rows)}`);
    }
    expect(await count(tdb, 'test_job_starts', 'killed')).toBe(2);
    expect(await count(tdb, 'test_job_effects', 'killed')).toBe(1);
    await producer.stop();
  }, 180_000);
});
