import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestDatabase, tempDir, until, type TestDatabase } from '../../../test/helpers.js';
import { createEffectTables, slowHandler, slowJob } from '../../../test/fixtures/slow-job.js';
import { migrations } from '../../migrations/index.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { inScope, systemScope } from '../db/scope.js';
import { z } from 'zod';
import { createJobQueue, defineJob, type JobQueue } from './job-queue.js';

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

  it('the application role may add a job in its transaction but not read, change or delete any', async () => {
    const org = { kind: 'organisation', organisationId: 'org_x' } as const;
    for (const statement of [sql`SELECT count(*) FROM jobs`, sql`UPDATE jobs SET attempts = 0`, sql`DELETE FROM jobs`]) {
      await expect(inScope(tdb.database.db, org, (tx) => statement.execute(tx))).rejects.toThrow(/permission denied/);
    }
  });
});

describe.each(backends())('job retries and claims on %s', (kind) => {
  let tdb: TestDatabase;
  const queues: JobQueue[] = [];
  const starts = new Map<string, number>();
  const failing = defineJob({ name: 'test.failing', schema: z.object({ key: z.string() }), retryLimit: 2, retryDelaySeconds: 0 });
  // A claim of one second: a job working three seconds outlives it unless its worker proves it is alive.
  const long = defineJob({ name: 'test.long', schema: z.object({ key: z.string() }), retryLimit: 3, retryDelaySeconds: 0, expireInSeconds: 1 });
  const longAlive = defineJob({ name: 'test.long-alive', schema: z.object({ key: z.string() }), retryLimit: 3, retryDelaySeconds: 0, expireInSeconds: 1, heartbeatSeconds: 1 });
  // Jobs that mostly wait: three at a time in one process, never a fourth.
  const waiting = defineJob({ name: 'test.waiting', schema: z.object({ key: z.string() }), concurrency: 3 });
  let running = 0;
  let most = 0;
  const job = async (key: string) =>
    (await sql<{ state: string; attempts: number; last_error: string | null }>`SELECT state, attempts, last_error FROM jobs WHERE payload->>'key' = ${key}`.execute(tdb.database.db)).rows[0];

  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    const queue = createJobQueue(tdb.database, { pollingIntervalSeconds: 0.2, superviseIntervalSeconds: 0.3 });
    queue.work(waiting, async ({ key }) => {
      running += 1;
      most = Math.max(most, running);
      starts.set(key, (starts.get(key) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 300));
      running -= 1;
    });
    queue.work(failing, async ({ key }) => {
      starts.set(key, (starts.get(key) ?? 0) + 1);
      throw new Error(`the printer of ${key} is jammed`);
    });
    for (const def of [long, longAlive]) {
      queue.work(def, async ({ key }) => {
        starts.set(key, (starts.get(key) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 3000));
      });
    }
    await queue.start({ work: true });
    queues.push(queue);
  });
  afterAll(async () => {
    for (const q of queues) await q.stop();
    await tdb.dispose();
  });

  it('a queue with a concurrency of 3 runs three of its jobs at once in a process, never more, each once', async () => {
    await inScope(tdb.database.db, systemScope, async (tx) => {
      for (let i = 0; i < 12; i++) await queues[0]!.enqueue(tx, waiting, { key: `wait-${i}` });
    });
    await until('the twelve jobs to end', async () => (await queues[0]!.pending(waiting)) === 0, 20_000);
    expect(most).toBe(3);
    expect(Array.from({ length: 12 }, (_, i) => starts.get(`wait-${i}`))).toEqual(Array(12).fill(1));
  });

  it('a failing job is tried 1 + retryLimit times, then stays failed with the reason', async () => {
    await inScope(tdb.database.db, systemScope, (tx) => queues[0]!.enqueue(tx, failing, { key: 'jammed' }));
    await until('the job to fail for good', async () => (await job('jammed'))?.state === 'failed', 20_000);
    expect(starts.get('jammed')).toBe(3);
    expect(await job('jammed')).toMatchObject({ attempts: 3, last_error: 'the printer of jammed is jammed' });
    expect(await queues[0]!.pending(failing)).toBe(0);
  });

  it('a long job whose worker proves it is alive runs once; without a heartbeat its lapsed claim runs it again', { timeout: 30_000 }, async () => {
    await inScope(tdb.database.db, systemScope, async (tx) => {
      await queues[0]!.enqueue(tx, longAlive, { key: 'alive' });
      await queues[0]!.enqueue(tx, long, { key: 'silent' });
    });
    await until('the jobs to end', async () => (await job('alive'))?.state === 'completed' && (await job('silent'))?.state === 'failed', 25_000);
    expect(starts.get('alive')).toBe(1);
    // Each run outlived its claim: the job was taken back every time, until its tries ran out.
    expect(starts.get('silent')).toBe(4);
    expect(await job('silent')).toMatchObject({ attempts: 4, last_error: 'its worker stopped before finishing it' });
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

  it('two workers share 40 jobs: each job starts exactly once', async () => {
    await Promise.all([startWorker(), startWorker()]);
    const producer = createJobQueue(tdb.database);
    producer.register(slowJob);
    await producer.start({ work: false });
    const keys = Array.from({ length: 40 }, (_, i) => `shared-${i}`);
    await inScope(tdb.database.db, systemScope, async (tx) => {
      for (const key of keys) await producer.enqueue(tx, slowJob, { key, work_ms: 20 });
    });
    try {
      await until('every job to finish', async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM test_job_effects WHERE key LIKE 'shared-%'`.execute(tdb.database.db)).rows[0]!.n === 40, 60_000);
    } catch (err) {
      const jobs = await sql`SELECT state, count(*)::int AS n, min(last_error) AS error FROM jobs WHERE queue = 'test.slow' GROUP BY state`.execute(tdb.database.db);
      throw new Error(`${(err as Error).message}: ${JSON.stringify(jobs.rows)}`);
    }
    const r = await sql<{ key: string; n: number; workers: number }>`SELECT key, count(*)::int AS n FROM test_job_starts WHERE key LIKE 'shared-%' GROUP BY key`.execute(tdb.database.db);
    expect(r.rows).toHaveLength(40);
    expect(r.rows.filter((row) => row.n !== 1)).toEqual([]);
    const workers = await sql<{ n: number }>`SELECT count(DISTINCT pid)::int AS n FROM test_job_starts WHERE key LIKE 'shared-%'`.execute(tdb.database.db);
    expect(workers.rows[0]!.n).toBe(2);
    await producer.stop();
    for (const c of children.splice(0)) {
      c.kill('SIGTERM');
      await new Promise((r) => c.once('exit', r));
    }
  }, 90_000);

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
      const jobs = await sql`SELECT state, attempts, started_at, created_at, start_after, last_error FROM jobs WHERE queue = 'test.slow'`.execute(tdb.database.db);
      throw new Error(`${(err as Error).message}: ${JSON.stringify(jobs.rows)}`);
    }
    expect(await count(tdb, 'test_job_starts', 'killed')).toBe(2);
    expect(await count(tdb, 'test_job_effects', 'killed')).toBe(1);
    await producer.stop();
  }, 180_000);
});

describe('moving from pg-boss (migration 0014)', () => {
  it('carries the jobs still to run over to the jobs table and drops pg-boss’s schema', async () => {
    const dir = tempDir('boss');
    const database = await openDatabase({ pgliteDir: path.join(dir, 'db') });
    try {
      const before = migrations.findIndex((m) => m.id === '0014-jobs');
      await migrate(database.db, migrations.slice(0, before));
      // The columns migration 0014 reads, as pg-boss 12 made them.
      await sql`CREATE SCHEMA pgboss`.execute(database.db);
      await sql`CREATE TYPE pgboss.job_state AS ENUM ('created', 'retry', 'active', 'completed', 'cancelled', 'failed')`.execute(database.db);
      await sql`CREATE TABLE pgboss.job (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL, data jsonb, state pgboss.job_state NOT NULL,
                  retry_limit integer NOT NULL, retry_delay integer NOT NULL, created_on timestamptz NOT NULL DEFAULT now())`.execute(database.db);
      await sql`INSERT INTO pgboss.job (name, data, state, retry_limit, retry_delay) VALUES
                  ('mail.send', '{"message_id":"msg_waiting"}', 'created', 5, 5),
                  ('production.print-file', '{"batch_id":"bat_running"}', 'active', 10, 2),
                  ('mail.send', '{"message_id":"msg_sent"}', 'completed', 5, 5)`.execute(database.db);
      await migrate(database.db);
      const jobs = await sql<{ queue: string; payload: unknown; state: string; retry_limit: number }>`SELECT queue, payload, state, retry_limit FROM jobs ORDER BY queue`.execute(database.db);
      expect(jobs.rows).toEqual([
        { queue: 'mail.send', payload: { message_id: 'msg_waiting' }, state: 'created', retry_limit: 5 },
        { queue: 'production.print-file', payload: { batch_id: 'bat_running' }, state: 'created', retry_limit: 10 },
      ]);
      expect((await sql`SELECT 1 FROM pg_namespace WHERE nspname = 'pgboss'`.execute(database.db)).rows).toEqual([]);
    } finally {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
