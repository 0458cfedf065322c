/**
 * Electronic letters (M-4): an order of kind 'electronic' makes one mailpiece per recipient, like
 * a paper order, with its e-letter row beside it (envoi number, the recipient's access, the
 * decision window, the paper fallback); evidence records, append-only; recipients' sessions,
 * a principal of their own; and the outbox carries text messages (the second channel) beside
 * e-mails.
 */
const tenant = (t: string) => [
  `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`,
  `CREATE POLICY ${t}_tenant ON ${t} FOR ALL USING (pli_is_staff() OR organisation_id = pli_tenant()) WITH CHECK (pli_is_staff() OR organisation_id = pli_tenant())`,
];

export const statements: string[] = [
  `ALTER TABLE orders DROP CONSTRAINT orders_kind_check`,
  `ALTER TABLE orders ADD CONSTRAINT orders_kind_check CHECK (kind IN ('paper', 'electronic'))`,
  // Electronic orders: what happens when a letter is not read ({after_days, paper_options} or null).
  `ALTER TABLE orders ADD COLUMN fallback jsonb`,
  // A paper order Pli made itself, as the paper fallback of an e-letter's mailpiece.
  `ALTER TABLE orders ADD COLUMN fallback_of text REFERENCES mailpieces (id)`,
  `CREATE UNIQUE INDEX orders_fallback_of ON orders (fallback_of) WHERE fallback_of IS NOT NULL`,

  `ALTER TABLE mailpieces DROP CONSTRAINT mailpieces_status_check`,
  `ALTER TABLE mailpieces ADD CONSTRAINT mailpieces_status_check CHECK (status IN (
     'pending', 'printed', 'inserted', 'franked', 'deposited', 'delivered', 'returned', 'ar_received',
     'notified', 'opened', 'accepted', 'refused', 'expired', 'fallback_paper'))`,

  `CREATE TABLE eletters (
     mailpiece_id text PRIMARY KEY REFERENCES mailpieces (id),
     organisation_id text NOT NULL REFERENCES organisations (id),
     order_id text NOT NULL REFERENCES orders (id),
     envoi text NOT NULL UNIQUE,
     kind text NOT NULL CHECK (kind IN ('simple', 'registered')),
     recipient_email text NOT NULL,
     recipient_name text NOT NULL,
     recipient_phone text,
     recipient_kind text NOT NULL CHECK (recipient_kind IN ('consumer', 'professional')),
     consent_ref text,
     link_hash text NOT NULL UNIQUE,
     code_hash text,
     code_used_at timestamptz,
     failed_attempts integer NOT NULL DEFAULT 0,
     locked_until timestamptz,
     notified_at timestamptz,
     deadline_at timestamptz,
     next_reminder_at timestamptz,
     reminders_sent integer NOT NULL DEFAULT 0,
     fallback_after_days integer,
     identity jsonb,
     decided_at timestamptz,
     notification_message_id text,
     evidence_head text,
     evidence_count integer NOT NULL DEFAULT 0,
     created_at timestamptz NOT NULL,
     updated_at timestamptz NOT NULL,
     CHECK (kind = 'simple' OR recipient_phone IS NOT NULL)
   )`,
  `CREATE INDEX eletters_order ON eletters (order_id)`,
  `CREATE INDEX eletters_deadline ON eletters (deadline_at) WHERE deadline_at IS NOT NULL`,
  `CREATE INDEX eletters_reminder ON eletters (next_reminder_at) WHERE next_reminder_at IS NOT NULL`,
  ...tenant('eletters'),

  // What proves an envoi's life: never changed, never deleted (kept at least a year, longer when archived).
  `CREATE TABLE eletter_evidence (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations (id),
     mailpiece_id text NOT NULL REFERENCES eletters (mailpiece_id),
     seq integer NOT NULL,
     event text NOT NULL,
     at timestamptz NOT NULL,
     record text NOT NULL,
     record_digest text NOT NULL CHECK (record_digest ~ '^[0-9a-f]{64}$'),
     previous text,
     seal bytea NOT NULL,
     timestamp_token bytea NOT NULL,
     journal_seq bigint NOT NULL,
     retain_until date NOT NULL,
     UNIQUE (mailpiece_id, seq)
   )`,
  `CREATE TRIGGER eletter_evidence_append_only BEFORE UPDATE OR DELETE ON eletter_evidence FOR EACH ROW EXECUTE FUNCTION pli_append_only()`,
  `CREATE TRIGGER eletter_evidence_no_truncate BEFORE TRUNCATE ON eletter_evidence FOR EACH STATEMENT EXECUTE FUNCTION pli_append_only()`,
  ...tenant('eletter_evidence'),

  // A recipient's session opens one letter, never anything else (a principal of its own kind).
  `CREATE TABLE recipient_sessions (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations (id),
     mailpiece_id text NOT NULL REFERENCES eletters (mailpiece_id),
     token_hash text NOT NULL UNIQUE,
     csrf_token text NOT NULL,
     stage text NOT NULL CHECK (stage IN ('identity', 'second_factor', 'open')),
     identity_check jsonb,
     otp_hash text,
     otp_expires_at timestamptz,
     otp_attempts integer NOT NULL DEFAULT 0,
     created_at timestamptz NOT NULL,
     expires_at timestamptz NOT NULL,
     ended_at timestamptz
   )`,
  `CREATE INDEX recipient_sessions_letter ON recipient_sessions (mailpiece_id)`,
  ...tenant('recipient_sessions'),

  // Text messages (the registered letter's second channel) queue like e-mails.
  `ALTER TABLE outbox_messages ADD COLUMN channel text NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'sms'))`,

  `GRANT SELECT, INSERT, UPDATE ON eletters TO pli_app`,
  `GRANT SELECT, INSERT ON eletter_evidence TO pli_app`,
  `GRANT SELECT, INSERT, UPDATE ON recipient_sessions TO pli_app`,
];
