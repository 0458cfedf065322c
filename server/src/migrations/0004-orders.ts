/** Paper orders, their letters (mailpieces), the tariffs that price them, and their event log. */
const tenant = (t: string) => [
  `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`,
];

export const statements: string[] = [
  // Read the window of every page once, when an order splits a document at each address.
  `ALTER TABLE documents ADD COLUMN page_windows jsonb`,

  // organisation_id NULL: the provider's standard tariff; a row for an organisation overrides it.
  `CREATE TABLE tariffs (
     id text PRIMARY KEY,
     organisation_id text REFERENCES organisations(id),
     effective_from date NOT NULL,
     tariff jsonb NOT NULL,
     created_by text,
     created_at timestamptz NOT NULL
   )`,
  `CREATE UNIQUE INDEX tariffs_effective ON tariffs (coalesce(organisation_id, ''), effective_from)`,
  ...tenant('tariffs'),
  `CREATE POLICY tariffs_read ON tariffs FOR SELECT USING (pli_is_staff() OR organisation_id IS NULL OR organisation_id = pli_tenant())`,
  `CREATE POLICY tariffs_write ON tariffs FOR INSERT WITH CHECK (pli_is_staff())`,

  `CREATE TABLE orders (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations(id),
     created_by text NOT NULL REFERENCES users(id),
     kind text NOT NULL CHECK (kind IN ('paper')),
     name text NOT NULL,
     status text NOT NULL CHECK (status IN ('draft', 'submitted', 'accepted', 'refused', 'cancelled', 'in_production', 'completed')),
     documents jsonb NOT NULL,
     options jsonb NOT NULL,
     address_source text NOT NULL CHECK (address_source IN ('document', 'recipients')),
     split jsonb,
     recipients jsonb NOT NULL DEFAULT '[]',
     quote jsonb,
     delivery_estimate date,
     letters integer NOT NULL DEFAULT 0,
     purchase_order_sha256 text,
     created_at timestamptz NOT NULL,
     updated_at timestamptz NOT NULL,
     submitted_at timestamptz,
     CHECK (status = 'draft' OR (quote IS NOT NULL AND submitted_at IS NOT NULL))
   )`,
  `CREATE INDEX orders_organisation ON orders (organisation_id, id)`,
  `CREATE INDEX orders_creator ON orders (created_by, id)`,
  ...tenant('orders'),
  `CREATE POLICY orders_tenant ON orders FOR ALL USING (pli_is_staff() OR organisation_id = pli_tenant()) WITH CHECK (pli_is_staff() OR organisation_id = pli_tenant())`,

  `CREATE TABLE mailpieces (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations(id),
     order_id text NOT NULL REFERENCES orders(id),
     number integer NOT NULL,
     status text NOT NULL CHECK (status IN ('pending', 'printed', 'inserted', 'franked', 'deposited', 'delivered', 'returned', 'ar_received')),
     recipient jsonb NOT NULL,
     first_page integer NOT NULL,
     last_page integer NOT NULL,
     sheets integer NOT NULL,
     weight_mg integer NOT NULL,
     postage_step text NOT NULL,
     carrier_sheet boolean NOT NULL,
     tracking_number text,
     created_at timestamptz NOT NULL,
     updated_at timestamptz NOT NULL,
     UNIQUE (order_id, number)
   )`,
  ...tenant('mailpieces'),
  `CREATE POLICY mailpieces_tenant ON mailpieces FOR ALL USING (pli_is_staff() OR organisation_id = pli_tenant()) WITH CHECK (pli_is_staff() OR organisation_id = pli_tenant())`,

  // Append-only: every status change of an order or a mailpiece, written with the change.
  `CREATE TABLE order_events (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations(id),
     order_id text NOT NULL REFERENCES orders(id),
     mailpiece_id text REFERENCES mailpieces(id),
     type text NOT NULL,
     detail jsonb NOT NULL DEFAULT '{}',
     actor_user_id text,
     at timestamptz NOT NULL
   )`,
  `CREATE INDEX order_events_order ON order_events (order_id, at)`,
  `CREATE INDEX order_events_mailpiece ON order_events (mailpiece_id, at)`,
  ...tenant('order_events'),
  `CREATE POLICY order_events_read ON order_events FOR SELECT USING (pli_is_staff() OR organisation_id = pli_tenant())`,
  `CREATE POLICY order_events_write ON order_events FOR INSERT WITH CHECK (pli_is_staff() OR organisation_id = pli_tenant())`,

  `GRANT SELECT, INSERT ON tariffs TO pli_app`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO pli_app`,
  `GRANT SELECT, INSERT, UPDATE ON mailpieces TO pli_app`,
  `GRANT SELECT, INSERT ON order_events TO pli_app`,
];
