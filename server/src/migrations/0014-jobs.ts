/**
 * Durable jobs in a table of our own (platform/jobs/job-queue.ts, ADR 0015) instead of pg-boss,
 * whose releases since 11 require Node 22 while Pli promises Node 20.19 and later.
 *
 * The application role may only add a job (inside the transaction that needs it): reading,
 * claiming and finishing jobs is the workers' business, run as the owner. A job waiting in
 * pg-boss's table when this migration runs is carried over, and pg-boss's schema dropped.
 */
export const statements: string[] = [
  `CREATE TABLE jobs (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     queue text NOT NULL,
     payload jsonb NOT NULL,
     state text NOT NULL DEFAULT 'created' CHECK (state IN ('created', 'retry', 'active', 'completed', 'failed')),
     -- How the job is retried, from its definition when it was added (a supervisor in another
     -- process may not know the definition).
     retry_limit integer NOT NULL CHECK (retry_limit >= 0),
     retry_delay_seconds integer NOT NULL CHECK (retry_delay_seconds >= 0),
     -- How long a claim holds without news of its worker: expireInSeconds, or the heartbeat's period.
     claim_seconds integer NOT NULL CHECK (claim_seconds > 0),
     attempts integer NOT NULL DEFAULT 0,
     start_after timestamptz NOT NULL DEFAULT now(),
     -- The claim: which worker runs it, and until when it may do so without proving it is alive.
     claim_token text,
     claimed_until timestamptz,
     last_error text,
     created_at timestamptz NOT NULL DEFAULT now(),
     started_at timestamptz,
     finished_at timestamptz,
     CHECK ((state = 'active') = (claim_token IS NOT NULL AND claimed_until IS NOT NULL))
   )`,
  `CREATE INDEX jobs_ready ON jobs (start_after) WHERE state IN ('created', 'retry')`,
  `CREATE INDEX jobs_claimed ON jobs (claimed_until) WHERE state = 'active'`,
  `CREATE INDEX jobs_finished ON jobs (finished_at) WHERE state IN ('completed', 'failed')`,
  `GRANT INSERT ON jobs TO pli_app`,
  `DO $$
   BEGIN
     IF to_regclass('pgboss.job') IS NOT NULL THEN
       INSERT INTO jobs (queue, payload, retry_limit, retry_delay_seconds, claim_seconds, created_at)
       SELECT name, data, retry_limit, retry_delay, 300, created_on
         FROM pgboss.job
        WHERE state::text IN ('created', 'retry', 'active') AND data IS NOT NULL;
     END IF;
     DROP SCHEMA IF EXISTS pgboss CASCADE;
   END
   $$`,
];
