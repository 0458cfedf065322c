import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../db/database.js';
import type { Tx } from '../db/scope.js';

/**
 * Durable jobs in the application's own database (table `jobs`, ADR 0015). A job is enqueued
 * with the transaction that makes it necessary: rolled back together, committed together.
 * Handlers must be idempotent: a worker killed mid-job means the job runs again once its claim
 * lapses (expireInSeconds, or the heartbeat's period for long jobs).
 */
export interface JobDefinition<P> {
  readonly name: string;
  readonly schema: z.ZodType<P>;
  readonly retryLimit: number;
  readonly retryDelaySeconds: number;
  /** How long a job may stay active before it counts as abandoned (worker died) and is retried. */
  readonly expireInSeconds: number;
  /**
   * Long jobs: the worker proves it is alive every half of this; a job whose worker stopped
   * proving it is retried then, and a live worker may take as long as the job needs.
   */
  readonly heartbeatSeconds: number | null;
  /** Jobs of this queue a process runs at once (default 1): for jobs that mostly wait (SMTP). */
  readonly concurrency: number;
}

export function defineJob<P>(def: {
  name: string;
  schema: z.ZodType<P>;
  retryLimit?: number;
  retryDelaySeconds?: number;
  expireInSeconds?: number;
  heartbeatSeconds?: number;
  concurrency?: number;
}): JobDefinition<P> {
  return {
    name: def.name,
    schema: def.schema,
    retryLimit: def.retryLimit ?? 5,
    retryDelaySeconds: def.retryDelaySeconds ?? 5,
    expireInSeconds: def.expireInSeconds ?? 300,
    heartbeatSeconds: def.heartbeatSeconds ?? null,
    concurrency: def.concurrency ?? 1,
  };
}

export interface JobContext {
  readonly jobId: string;
}

export type JobHandler<P> = (payload: P, ctx: JobContext) => Promise<void>;

export interface JobQueue {
  /** Declares a queue; every process that enqueues or works a job declares it. */
  register(def: JobDefinition<any>): void;
  enqueue<P>(tx: Tx, def: JobDefinition<P>, payload: P): Promise<void>;
  work<P>(def: JobDefinition<P>, handler: JobHandler<P>): void;
  /**
   * A periodic task, run every `intervalMs` in the processes that work jobs (never two runs at
   * once in one process; tasks coordinate across processes through the database).
   */
  every(name: string, intervalMs: number, task: () => Promise<void>): void;
  start(opts: { work: boolean }): Promise<void>;
  stop(): Promise<void>;
  /** Jobs of a queue not yet finished — for health and tests. */
  pending(def: JobDefinition<any>): Promise<number>;
}

export interface JobQueueOptions {
  pollingIntervalSeconds?: number;
  /** How often lapsed claims (a worker that died mid-job) are looked for. */
  superviseIntervalSeconds?: number;
  onError?: (err: unknown) => void;
}

/** Finished jobs are kept this long for inspection, then deleted by the supervisor. */
const KEEP_FINISHED = '7 days';
/** Retries wait retryDelay × 2^(attempt − 1), never more than this. */
const MAX_RETRY_DELAY_SECONDS = 3600;
/** A stopping process waits this long for its running jobs; the rest are retried elsewhere. */
const STOP_GRACE_MS = 5_000;

interface ClaimedJob {
  id: string;
  queue: string;
  payload: unknown;
  /** Whose claim this is: finishing or extending it needs the same token. */
  token: string;
}

export function createJobQueue(database: Database, opts: JobQueueOptions = {}): JobQueue {
  const db = database.db;
  const definitions = new Map<string, JobDefinition<any>>();
  const handlers = new Map<string, JobHandler<any>>();
  // Each claim carries this process's token and the claim's own: a job reclaimed after its claim
  // lapsed cannot be finished by the worker that lost it.
  const processToken = randomUUID();
  const pollMs = (opts.pollingIntervalSeconds ?? 0.5) * 1000;
  const superviseMs = (opts.superviseIntervalSeconds ?? 5) * 1000;
  let started = false;
  let working = false;
  const periodic: Array<{ name: string; intervalMs: number; task: () => Promise<void> }> = [];
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  /** Jobs running here, per queue: at most the queue's concurrency (1 unless it says more). */
  const inFlight = new Map<string, number>();
  let polling: Promise<void> | null = null;
  let pollAgain = false;

  const report = (err: unknown) => opts.onError?.(err);

  function track(run: Promise<void>): void {
    running.add(run);
    void run.finally(() => running.delete(run));
  }

  /** Claims jobs for the idle queues until there is none left to claim; one drain at a time. */
  function poll(): void {
    if (!working) return;
    if (polling) {
      pollAgain = true;
      return;
    }
    // Cleared by .finally, always after this assignment (a drain with nothing to claim would
    // otherwise end before it is recorded, and stall every later poll).
    const run: Promise<void> = drain()
      .catch(report)
      .finally(() => {
        if (polling === run) polling = null;
      });
    polling = run;
    track(run);
  }

  async function drain(): Promise<void> {
    do {
      pollAgain = false;
      for (;;) {
        const idle = [...handlers.keys()].filter((name) => (inFlight.get(name) ?? 0) < (definitions.get(name)?.concurrency ?? 1));
        if (idle.length === 0 || !working) break;
        const job = await claim(idle);
        if (!job) break;
        inFlight.set(job.queue, (inFlight.get(job.queue) ?? 0) + 1);
        track(
          runJob(job).finally(() => {
            inFlight.set(job.queue, (inFlight.get(job.queue) ?? 1) - 1);
            poll();
          }),
        );
      }
    } while (pollAgain && working);
  }

  async function claim(queues: string[]): Promise<ClaimedJob | null> {
    const token = `${processToken}/${randomUUID()}`;
    const r = await sql<ClaimedJob>`
      UPDATE jobs
         SET state = 'active', attempts = attempts + 1, started_at = now(), claim_token = ${token},
             claimed_until = now() + make_interval(secs => claim_seconds)
       WHERE id = (SELECT id FROM jobs
                    WHERE state IN ('created', 'retry') AND start_after <= now() AND queue = ANY(${queues}::text[])
                    ORDER BY start_after, created_at
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED)
      RETURNING id::text, queue, payload, claim_token AS token`.execute(db);
    return r.rows[0] ?? null;
  }

  async function runJob(job: ClaimedJob): Promise<void> {
    const { token } = job;
    const def = definitions.get(job.queue)!;
    const handler = handlers.get(job.queue)!;
    let heartbeat: NodeJS.Timeout | undefined;
    if (def.heartbeatSeconds) {
      heartbeat = setInterval(() => {
        sql`UPDATE jobs SET claimed_until = now() + make_interval(secs => claim_seconds) WHERE id = ${job.id} AND claim_token = ${token}`
          .execute(db)
          .catch(report);
      }, (def.heartbeatSeconds * 1000) / 2);
      heartbeat.unref();
    }
    try {
      // A payload that no longer parses fails the job visibly instead of half-running.
      const payload = def.schema.parse(job.payload);
      await handler(payload, { jobId: job.id });
      clearInterval(heartbeat);
      await sql`UPDATE jobs SET state = 'completed', finished_at = now(), claim_token = NULL, claimed_until = NULL
                 WHERE id = ${job.id} AND claim_token = ${token}`.execute(db);
    } catch (err) {
      clearInterval(heartbeat);
      report(err);
      const message = err instanceof Error ? err.message : String(err);
      await sql`UPDATE jobs
                   SET state = CASE WHEN attempts > retry_limit THEN 'failed' ELSE 'retry' END,
                       finished_at = CASE WHEN attempts > retry_limit THEN now() END,
                       start_after = now() + make_interval(secs => least(retry_delay_seconds * power(2, attempts - 1), ${MAX_RETRY_DELAY_SECONDS})),
                       claim_token = NULL, claimed_until = NULL, last_error = ${message.slice(0, 2000)}
                 WHERE id = ${job.id} AND claim_token = ${token}`
        .execute(db)
        .catch(report);
    }
  }

  /** A claim that lapsed (its worker died or stalled): the job is retried, or fails for good. */
  async function supervise(): Promise<void> {
    await sql`UPDATE jobs
                 SET state = CASE WHEN attempts > retry_limit THEN 'failed' ELSE 'retry' END,
                     finished_at = CASE WHEN attempts > retry_limit THEN now() END,
                     start_after = now(), claim_token = NULL, claimed_until = NULL,
                     last_error = 'its worker stopped before finishing it'
               WHERE state = 'active' AND claimed_until < now()`.execute(db);
    await sql`DELETE FROM jobs WHERE state IN ('completed', 'failed') AND finished_at < now() - ${KEEP_FINISHED}::interval`.execute(db);
  }

  function every(intervalMs: number, task: () => Promise<void>): void {
    let inProgress = false;
    const timer = setInterval(() => {
      if (inProgress || !started) return;
      inProgress = true;
      const run = task()
        .catch(report)
        .finally(() => {
          inProgress = false;
        });
      track(run);
    }, intervalMs);
    timer.unref();
    timers.push(timer);
  }

  return {
    register(def) {
      if (started) throw new Error(`job ${def.name} registered after start`);
      definitions.set(def.name, def);
    },

    async enqueue(tx, def, payload) {
      if (!definitions.has(def.name)) throw new Error(`job ${def.name} was never registered`);
      if (!started) throw new Error(`job ${def.name} enqueued before the job queue started`);
      const data = def.schema.parse(payload) as object;
      // Runs as the caller's role (the application role may add jobs, nothing more), in its transaction.
      await sql`INSERT INTO jobs (queue, payload, retry_limit, retry_delay_seconds, claim_seconds)
                VALUES (${def.name}, ${JSON.stringify(data)}::jsonb, ${def.retryLimit}, ${def.retryDelaySeconds},
                        ${def.heartbeatSeconds ?? def.expireInSeconds})`.execute(tx);
    },

    work(def, handler) {
      if (started) throw new Error(`job ${def.name} handled after start`);
      definitions.set(def.name, def);
      handlers.set(def.name, handler);
    },

    every(name, intervalMs, task) {
      if (started) throw new Error(`periodic task ${name} added after start`);
      periodic.push({ name, intervalMs, task });
    },

    async start({ work }) {
      started = true;
      if (!work) return;
      working = true;
      for (const p of periodic) every(p.intervalMs, p.task);
      every(superviseMs, supervise);
      if (handlers.size > 0) {
        const timer = setInterval(poll, pollMs);
        timer.unref();
        timers.push(timer);
        poll();
      }
    },

    async stop() {
      if (!started) return;
      started = false;
      working = false;
      for (const t of timers.splice(0)) clearInterval(t);
      // Running jobs finish if they can; one that cannot in time is retried after its claim lapses.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(running), new Promise((r) => (grace = setTimeout(r, STOP_GRACE_MS)))]);
      clearTimeout(grace);
    },

    async pending(def) {
      const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM jobs WHERE queue = ${def.name} AND state IN ('created', 'retry', 'active')`.execute(db);
      return r.rows[0]?.n ?? 0;
    },
  };
}
