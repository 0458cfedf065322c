/**
 * After the handover to La Poste (M-6.a): what came back for a mailpiece (a returned letter, an
 * acknowledgement card) with its scan; the organisation's address book of addresses that came
 * back; the postal tracking of registered numbers (what was asked, what La Poste answered — each
 * event once) and the watchdog's flags for the provider to chase.
 */
const tenant = (t: string) => [
  `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`,
  `CREATE POLICY ${t}_tenant ON ${t} FOR ALL USING (pli_is_staff() OR organisation_id = pli_tenant()) WITH CHECK (pli_is_staff() OR organisation_id = pli_tenant())`,
];

export const statements: string[] = [
  // One return and one card per mailpiece, ever: a second scan of the same envelope is refused.
  `CREATE TABLE mailpiece_returns (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations (id),
     order_id text NOT NULL REFERENCES orders (id),
     mailpiece_id text NOT NULL REFERENCES mailpieces (id),
     kind text NOT NULL CHECK (kind IN ('returned', 'ar')),
     reason text CHECK (reason IN ('address_error', 'not_claimed', 'refused')),
     scan_sha256 text NOT NULL,
     scan_content_type text NOT NULL,
     scan_size_bytes bigint NOT NULL,
     scan_filename text NOT NULL,
     recorded_by text NOT NULL REFERENCES users (id),
     received_at timestamptz NOT NULL,
     UNIQUE (mailpiece_id, kind),
     CHECK ((kind = 'returned') = (reason IS NOT NULL))
   )`,
  `CREATE INDEX mailpiece_returns_org ON mailpiece_returns (organisation_id, received_at DESC, id DESC)`,
  `CREATE INDEX mailpiece_returns_order ON mailpiece_returns (order_id)`,
  `CREATE TRIGGER mailpiece_returns_append_only BEFORE UPDATE OR DELETE ON mailpiece_returns FOR EACH ROW EXECUTE FUNCTION pli_append_only()`,
  ...tenant('mailpiece_returns'),

  // An address a letter came back from: the next order to it warns, until someone clears it.
  `CREATE TABLE address_flags (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations (id),
     address_key text NOT NULL,
     address jsonb NOT NULL,
     reason text NOT NULL CHECK (reason IN ('address_error', 'not_claimed', 'refused')),
     mailpiece_id text NOT NULL REFERENCES mailpieces (id),
     flagged_at timestamptz NOT NULL,
     cleared_at timestamptz,
     cleared_by text REFERENCES users (id)
   )`,
  `CREATE UNIQUE INDEX address_flags_open ON address_flags (organisation_id, address_key) WHERE cleared_at IS NULL`,
  ...tenant('address_flags'),

  // A registered number followed through La Poste's tracking: when to ask next, how it went.
  `CREATE TABLE postal_tracking (
     mailpiece_id text PRIMARY KEY REFERENCES mailpieces (id),
     organisation_id text NOT NULL REFERENCES organisations (id),
     tracking_number text NOT NULL,
     deposited_at timestamptz NOT NULL,
     next_poll_at timestamptz,
     failures integer NOT NULL DEFAULT 0,
     polls integer NOT NULL DEFAULT 0,
     last_polled_at timestamptz,
     last_outcome text,
     final boolean NOT NULL DEFAULT false,
     delivered_at timestamptz
   )`,
  `CREATE INDEX postal_tracking_due ON postal_tracking (next_poll_at) WHERE next_poll_at IS NOT NULL`,
  // The registered letters just deposited, which the tracking task enlists every minute.
  `CREATE INDEX mailpieces_deposited_registered ON mailpieces (updated_at) WHERE status = 'deposited' AND tracking_number IS NOT NULL`,
  ...tenant('postal_tracking'),

  // What La Poste said, each event once however often it is asked.
  `CREATE TABLE postal_events (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations (id),
     mailpiece_id text NOT NULL REFERENCES mailpieces (id),
     code text NOT NULL,
     label text NOT NULL,
     at timestamptz NOT NULL,
     received_at timestamptz NOT NULL,
     UNIQUE (mailpiece_id, code, at)
   )`,
  `CREATE TRIGGER postal_events_append_only BEFORE UPDATE OR DELETE ON postal_events FOR EACH ROW EXECUTE FUNCTION pli_append_only()`,
  ...tenant('postal_events'),

  // The watchdog's flags: flagged once, resolved when the news comes.
  `CREATE TABLE chase_flags (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations (id),
     mailpiece_id text NOT NULL REFERENCES mailpieces (id),
     kind text NOT NULL CHECK (kind IN ('no_delivery', 'no_ar')),
     flagged_at timestamptz NOT NULL,
     resolved_at timestamptz,
     UNIQUE (mailpiece_id, kind)
   )`,
  `CREATE INDEX chase_flags_open ON chase_flags (flagged_at) WHERE resolved_at IS NULL`,
  ...tenant('chase_flags'),

  // A re-sent letter's order names the returned mailpiece it follows.
  `ALTER TABLE orders ADD COLUMN resend_of text REFERENCES mailpieces (id)`,
  `CREATE INDEX orders_resend_of ON orders (resend_of) WHERE resend_of IS NOT NULL`,

  // A returned letter is news the author wants: told by default, as for acceptance.
  `ALTER TABLE users ALTER COLUMN notify_events SET DEFAULT '{order.accepted,order.refused,order.completed,mailpiece.returned}'`,
  `UPDATE users SET notify_events = array_append(notify_events, 'mailpiece.returned') WHERE NOT ('mailpiece.returned' = ANY (notify_events))`,

  `GRANT SELECT, INSERT ON mailpiece_returns TO pli_app`,
  `GRANT SELECT, INSERT, UPDATE ON address_flags TO pli_app`,
  `GRANT SELECT, INSERT, UPDATE ON postal_tracking TO pli_app`,
  `GRANT SELECT, INSERT ON postal_events TO pli_app`,
  `GRANT SELECT, INSERT, UPDATE ON chase_flags TO pli_app`,
];
