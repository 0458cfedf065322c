/**
 * The production floor: the provider's decision on each order, print batches (a mailpiece in one
 * batch, ever), the floor's settings, registered-number ranges, and the batch event log.
 * Batches span client organisations: only provider staff (and system jobs) see them.
 */
const staffOnly = (t: string, write: 'ALL' | 'INSERT' = 'ALL') => [
  `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`,
  write === 'ALL'
    ? `CREATE POLICY ${t}_staff ON ${t} FOR ALL USING (pli_is_staff()) WITH CHECK (pli_is_staff())`
    : `CREATE POLICY ${t}_staff_read ON ${t} FOR SELECT USING (pli_is_staff())`,
  ...(write === 'INSERT' ? [`CREATE POLICY ${t}_staff_insert ON ${t} FOR INSERT WITH CHECK (pli_is_staff())`] : []),
];

export const statements: string[] = [
  `ALTER TABLE orders ADD COLUMN accepted_at timestamptz`,
  `ALTER TABLE orders ADD COLUMN refusal_reason text`,
  `ALTER TABLE orders ADD COLUMN decided_by text REFERENCES users(id)`,
  `ALTER TABLE orders ADD CONSTRAINT orders_refusal_has_reason CHECK (status <> 'refused' OR length(refusal_reason) > 0)`,
  `CREATE INDEX orders_status ON orders (status, id)`,
  // The transaction that wrote each event: readers follow (tx, id) below the oldest transaction
  // still running, so an event committed late is never skipped (tracking stream, webhooks).
  `ALTER TABLE order_events ADD COLUMN tx bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint)`,
  `CREATE INDEX order_events_tx ON order_events (tx, id)`,

  // One row: what the provider set for the floor (defaults are data, in domain/production).
  `CREATE TABLE floor_settings (
     id boolean PRIMARY KEY DEFAULT true CHECK (id),
     settings jsonb NOT NULL,
     -- The last cut-off at which open batches were closed ("2026-11-26 15:30", Paris time).
     last_cutoff text,
     updated_by text REFERENCES users(id),
     updated_at timestamptz NOT NULL
   )`,
  ...staffOnly('floor_settings'),

  `CREATE SEQUENCE batch_numbers`,
  `CREATE TABLE batches (
     id text PRIMARY KEY,
     number bigint NOT NULL UNIQUE DEFAULT nextval('batch_numbers'),
     production_key text NOT NULL,
     attributes jsonb NOT NULL,
     status text NOT NULL CHECK (status IN ('building', 'ready_to_print', 'printed', 'inserted', 'franked', 'deposited')),
     mailpieces integer NOT NULL DEFAULT 0,
     sheets integer NOT NULL DEFAULT 0,
     closed_at timestamptz,
     print_files jsonb,
     postage_cents bigint,
     deposit_slip jsonb,
     created_at timestamptz NOT NULL,
     updated_at timestamptz NOT NULL,
     CHECK (status = 'building' OR (closed_at IS NOT NULL AND print_files IS NOT NULL))
   )`,
  // At most one batch per production key still taking mailpieces.
  `CREATE UNIQUE INDEX batches_open_per_key ON batches (production_key) WHERE closed_at IS NULL`,
  `CREATE INDEX batches_status ON batches (status, id)`,
  ...staffOnly('batches'),
  `GRANT USAGE ON SEQUENCE batch_numbers TO pli_app`,

  // A mailpiece belongs to exactly one batch, ever: its id is the key, and the application role
  // may insert rows but never change or delete them.
  `CREATE TABLE batch_mailpieces (
     mailpiece_id text PRIMARY KEY REFERENCES mailpieces(id),
     batch_id text NOT NULL REFERENCES batches(id),
     position integer NOT NULL,
     UNIQUE (batch_id, position)
   )`,
  ...staffOnly('batch_mailpieces', 'INSERT'),

  // The sheets of a mailpiece scanned as printed one by one: it is printed when all of them are.
  `CREATE TABLE printed_sheets (
     mailpiece_id text NOT NULL REFERENCES mailpieces(id),
     sheet integer NOT NULL CHECK (sheet >= 1),
     scanned_by text REFERENCES users(id),
     at timestamptz NOT NULL,
     PRIMARY KEY (mailpiece_id, sheet)
   )`,
  ...staffOnly('printed_sheets', 'INSERT'),
  `GRANT SELECT, INSERT ON printed_sheets TO pli_app`,

  // Append-only: every status change of a batch (who, when, what), written with the change.
  `CREATE TABLE batch_events (
     id text PRIMARY KEY,
     batch_id text NOT NULL REFERENCES batches(id),
     type text NOT NULL,
     detail jsonb NOT NULL DEFAULT '{}',
     actor_user_id text REFERENCES users(id),
     at timestamptz NOT NULL
   )`,
  `CREATE INDEX batch_events_batch ON batch_events (batch_id, at)`,
  ...staffOnly('batch_events', 'INSERT'),

  // Registered numbers: ranges La Poste allots to the provider, used in order, each number once.
  `CREATE TABLE registered_ranges (
     id text PRIMARY KEY,
     prefix text NOT NULL CHECK (prefix ~ '^[0-9A-Z]{2}$'),
     first_serial bigint NOT NULL CHECK (first_serial >= 0),
     last_serial bigint NOT NULL CHECK (last_serial <= 9999999999),
     next_serial bigint NOT NULL,
     status text NOT NULL CHECK (status IN ('ready', 'active', 'used_up', 'withdrawn')),
     created_by text REFERENCES users(id),
     created_at timestamptz NOT NULL,
     CHECK (first_serial <= last_serial AND next_serial BETWEEN first_serial AND last_serial + 1)
   )`,
  `CREATE UNIQUE INDEX registered_ranges_one_active ON registered_ranges ((true)) WHERE status = 'active'`,
  ...staffOnly('registered_ranges'),
  `ALTER TABLE mailpieces ADD CONSTRAINT mailpieces_tracking_number_unique UNIQUE (tracking_number)`,
  // Postage franked on the mailpiece (its class, weight step and registered fees), in cents.
  `ALTER TABLE mailpieces ADD COLUMN postage_cents integer`,

  `GRANT SELECT, INSERT, UPDATE ON registered_ranges TO pli_app`,
  `GRANT SELECT, INSERT, UPDATE ON floor_settings TO pli_app`,
  `GRANT SELECT, INSERT, UPDATE ON batches TO pli_app`,
  `GRANT SELECT, INSERT ON batch_mailpieces TO pli_app`,
  `GRANT SELECT, INSERT ON batch_events TO pli_app`,
];
