/**
 * Webhooks (api.md) and e-mail notifications: a client administrator's endpoints, and every delivery attempt of every
 * event to them (the delivery log they see). The dispatcher's position in the event log is one
 * row, moved in the transaction that creates the deliveries: each event fans out exactly once.
 */
export const statements: string[] = [
  `CREATE TABLE webhooks (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations(id),
     url text NOT NULL CHECK (length(url) <= 2000),
     events text[] NOT NULL,
     secret_sealed text NOT NULL,
     status text NOT NULL CHECK (status IN ('active', 'deleted')),
     created_by text REFERENCES users(id),
     created_at timestamptz NOT NULL
   )`,
  `CREATE INDEX webhooks_organisation ON webhooks (organisation_id) WHERE status = 'active'`,
  `ALTER TABLE webhooks ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE webhooks FORCE ROW LEVEL SECURITY`,
  `CREATE POLICY webhooks_tenant ON webhooks FOR ALL USING (pli_is_staff() OR organisation_id = pli_tenant()) WITH CHECK (pli_is_staff() OR organisation_id = pli_tenant())`,

  `CREATE TABLE webhook_deliveries (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations(id),
     webhook_id text NOT NULL REFERENCES webhooks(id),
     event_id text NOT NULL REFERENCES order_events(id),
     event_type text NOT NULL,
     payload jsonb NOT NULL,
     status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
     attempts integer NOT NULL DEFAULT 0,
     next_attempt_at timestamptz NOT NULL,
     last_status_code integer,
     last_error text,
     last_attempt_at timestamptz,
     delivered_at timestamptz,
     created_at timestamptz NOT NULL,
     UNIQUE (webhook_id, event_id)
   )`,
  `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
  `CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, created_at DESC)`,
  `ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY`,
  `CREATE POLICY webhook_deliveries_read ON webhook_deliveries FOR SELECT USING (pli_is_staff() OR organisation_id = pli_tenant())`,
  `CREATE POLICY webhook_deliveries_system ON webhook_deliveries FOR ALL USING (pli_scope() = 'system') WITH CHECK (pli_scope() = 'system')`,

  `CREATE TABLE webhook_dispatch (
     id boolean PRIMARY KEY DEFAULT true CHECK (id),
     tx bigint NOT NULL,
     event_id text NOT NULL
   )`,
  // From here on: the events already written when this migration runs are not sent.
  `INSERT INTO webhook_dispatch (tx, event_id) SELECT coalesce(max(tx), 0), chr(65535) FROM order_events`,
  `ALTER TABLE webhook_dispatch ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE webhook_dispatch FORCE ROW LEVEL SECURITY`,
  `CREATE POLICY webhook_dispatch_system ON webhook_dispatch FOR ALL USING (pli_scope() = 'system') WITH CHECK (pli_scope() = 'system')`,

  // Which of their orders' events each person is told of by e-mail (their choice, in the profile).
  `ALTER TABLE users ADD COLUMN notify_events text[] NOT NULL DEFAULT '{order.accepted,order.refused,order.completed}'`,

  `GRANT SELECT, INSERT, UPDATE ON webhooks TO pli_app`,
  `GRANT SELECT, INSERT, UPDATE ON webhook_deliveries TO pli_app`,
  `GRANT SELECT, INSERT, UPDATE ON webhook_dispatch TO pli_app`,
];
