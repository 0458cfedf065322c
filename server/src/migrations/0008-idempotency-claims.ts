/**
 * An Idempotency-Key is claimed by exactly one request: the claim carries a random token, and
 * the answer is recorded (inside the work's own transaction) only by the request holding it.
 */
export const statements: string[] = [`ALTER TABLE idempotency_keys ADD COLUMN claim_token text NOT NULL DEFAULT ''`];
