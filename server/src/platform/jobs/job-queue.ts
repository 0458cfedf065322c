import { sql } from 'kysely';
import { PgBoss, fromKysely } from 'pg-boss';
import type { z } from 'zod';
import type { Database } from '../db/database.js';
import { asOwner, type Tx } from '../db/scope.js';

/**
 * Durable jobs (pg-boss) on the application's own database. A job is enqueued with the
 * transaction that makes it necessary: rolled back together, committed together. Handlers must
 * be idempotent: a worker killed mid-job means the job runs again after it expires.
 */
export interface JobDefinition<P> {
  readonly name: string;
  readonly schema: z.ZodType<P>;
  readonly retryLimit: number;
  readonly retryDelaySeconds: number;
  /** How long a job may stay active before it counts as abandoned (worker died) and is retried. */
  readonly expireInSeconds: number;
  /**
   * Long jobs: the worker proves it is alive every half of this (≥ 10 s); a job whose worker
   * stopped proving it is retried then, instead of after expireInSeconds.
   */
  readonly heartbeatSeconds: number | null;
}

export function defineJob<P>(def: {
  name: string;
  schema: z.ZodType<P>;
  retryLimit?: number;
  retryDelaySeconds?: number;
  expireInSeconds?: number;
  heartbeatSeconds?: number;
}): JobDefinition<P> {
  return {
    name: def.name,
    schema: def.schema,
    retryLimit: def.retryLimit ?? 5,
    retryDelaySeconds: def.retryDelaySeconds ?? 5,
    expireInSeconds: def.expireInSeconds ?? 300,
    heartbeatSeconds: def.heartbeatSeconds ?? null,
  };
}

export interface JobContext {
  readonly jobId: string;
}

export type JobHandler<P> = (payload: P, ctx: JobContext) => Promise<void>;

export interface JobQueue {
  /** Declares a queue; every process that enqueues or works a job declares it. */
  register(def: JobDefinition<any>): void;
  enqueue<P>(tx: Tx, def: JobDefinition<P>, payload: P, opts?: { singletonKey?: string; startAfter?: Date }): Promise<string | null>;
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
  /** How often pg-boss looks for expired (abandoned) jobs. */
  superviseIntervalSeconds?: number;
  onError?: (err: unknown) => void;
}

export function createJobQueue(database: Database, opts: JobQueueOptions = {}): JobQueue {
  const definitions = new Map<string, JobDefinition<any>>();
  const handlers = new Map<string, JobHandler<any>>();
  const common = {
    schema: 'pgboss',
    schedule: false,
    superviseIntervalSeconds: opts.superviseIntervalSeconds ?? 5,
    maintenanceIntervalSeconds: 60,
    monitorIntervalSeconds: 60,
  };
  const boss =
    database.kind === 'pglite'
      ? new PgBoss({ ...common, db: database.raw!, backend: 'pglite' })
      : new PgBoss({ ...common, connectionString: database.connectionString!, max: 4, application_name: 'pli-jobs' });
  boss.on('error', (err) => opts.onError?.(err));
  let started = false;
  const periodic: Array<{ name: string; intervalMs: number; task: () => Promise<void> }> = [];
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();

  return {
    register(def) {
      if (started) throw new Error(`job ${def.name} registered after start`);
      definitions.set(def.name, def);
    },

    async enqueue(tx, def, payload, sendOpts = {}) {
      if (!definitions.has(def.name)) throw new Error(`job ${def.name} was never registered`);
      // pg-boss waits forever for a start that never comes: fail loudly instead.
      if (!started) throw new Error(`job ${def.name} enqueued before the job queue started`);
      const data = def.schema.parse(payload) as object;
      // pg-boss's tables are not the app role's: the send runs as the owner, still inside tx.
      return asOwner(tx, () =>
        boss.send(def.name, data, {
          db: fromKysely(tx),
          ...(sendOpts.singletonKey ? { singletonKey: sendOpts.singletonKey } : {}),
          ...(sendOpts.startAfter ? { startAfter: sendOpts.startAfter } : {}),
        }),
      );
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
      await boss.start();
      started = true;
      for (const def of definitions.values()) {
        await boss.createQueue(def.name, {
          retryLimit: def.retryLimit,
          retryDelay: def.retryDelaySeconds,
          retryBackoff: true,
          expireInSeconds: def.expireInSeconds,
          ...(def.heartbeatSeconds ? { heartbeatSeconds: def.heartbeatSeconds } : {}),
        });
      }
      if (!work) return;
      for (const p of periodic) {
        let busy = false;
        const timer = setInterval(() => {
          if (busy || !started) return;
          busy = true;
          const run = p
            .task()
            .catch((err: unknown) => opts.onError?.(err))
            .finally(() => {
              busy = false;
              running.delete(run);
            });
          running.add(run);
        }, p.intervalMs);
        timer.unref();
        timers.push(timer);
      }
      for (const [name, handler] of handlers) {
        const def = definitions.get(name)!;
        await boss.work(name, { batchSize: 1, pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 0.5 }, async (jobs) => {
          for (const job of jobs) {
            // A payload that no longer parses fails the job visibly instead of half-running.
            const payload = def.schema.parse(job.data);
            await handler(payload, { jobId: job.id });
          }
        });
      }
    },

    async stop() {
      if (!started) return;
      started = false;
      for (const t of timers.splice(0)) clearInterval(t);
      await Promise.all(running);
      await boss.stop({ graceful: true, timeout: 5_000, close: true });
    },

    async pending(def) {
      // Read live rather than from pg-boss's cached queue statistics.
      const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${def.name} AND state IN ('created', 'retry', 'active')`.execute(database.db);
      return r.rows[0]?.n ?? 0;
    },
  };
}
