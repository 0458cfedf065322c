/**
 * The archives (modules/archive): one row per archived file, simple (M-6.b: files sent, deposit
 * slips, proofs of receipt, returned letters, kept for the contract) or electronic (M-6.c: any
 * document, a retention of 1/3/5/10/30 years, time-stamped and journaled at deposit).
 *
 * What proves a deposit never changes: its hashes, time, time-stamp token, journal entry and
 * organisation are frozen by a trigger, the retention only grows, and no row is ever deleted —
 * a destroyed item keeps a minimal record so that its old proofs still verify. Clients' archives
 * are read by their organisation only: provider staff keep them, they do not read them (the
 * system scope — jobs, the integrity audit — does).
 *
 * And the journal's checkpoints gain the key of their copy in object storage.
 */
export const statements: string[] = [
  `CREATE TABLE archive_items (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations (id),
     tier text NOT NULL CHECK (tier IN ('simple', 'electronic')),
     kind text NOT NULL CHECK (kind IN ('deposit', 'sent_file', 'deposit_slip', 'proof_of_receipt', 'returned_letter')),
     owner_user_id text REFERENCES users (id),
     order_id text REFERENCES orders (id),
     title text NOT NULL,
     filename text NOT NULL,
     content_type text NOT NULL,
     tags text[] NOT NULL DEFAULT '{}',
     fields jsonb NOT NULL DEFAULT '{}',
     sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
     sha3_256 text NOT NULL CHECK (sha3_256 ~ '^[0-9a-f]{64}$'),
     size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
     text_content text,
     search_text text NOT NULL DEFAULT '',
     deposited_at timestamptz NOT NULL,
     retention_years smallint CHECK (retention_years IN (1, 3, 5, 10, 30)),
     retain_until timestamptz,
     timestamp_token bytea,
     timestamped_at timestamptz,
     deposit_seq bigint NOT NULL REFERENCES trust_journal (seq),
     certificate_sha256 text,
     status text NOT NULL DEFAULT 'kept' CHECK (status IN ('kept', 'destruction_proposed', 'destroyed')),
     legal_hold_reason text,
     legal_hold_at timestamptz,
     legal_hold_by text REFERENCES users (id),
     destruction_proposed_at timestamptz,
     destruction_proposed_by text REFERENCES users (id),
     destroyed_at timestamptz,
     destroyed_by text REFERENCES users (id),
     destruction_certificate_sha256 text,
     CHECK (tier = 'simple' OR (retention_years IS NOT NULL AND retain_until IS NOT NULL AND timestamp_token IS NOT NULL)),
     CHECK ((status = 'destroyed') = (destroyed_at IS NOT NULL)),
     CHECK (status <> 'destruction_proposed' OR destruction_proposed_at IS NOT NULL)
   )`,
  `CREATE INDEX archive_items_list ON archive_items (organisation_id, deposited_at DESC, id DESC)`,
  `CREATE INDEX archive_items_owner ON archive_items (owner_user_id, deposited_at DESC)`,
  `CREATE INDEX archive_items_order ON archive_items (order_id) WHERE order_id IS NOT NULL`,
  `CREATE INDEX archive_items_object ON archive_items (sha256)`,
  `CREATE INDEX archive_items_search ON archive_items USING gin (to_tsvector('simple', search_text))`,
  `CREATE INDEX archive_items_due ON archive_items (retain_until) WHERE status = 'kept'`,
  // An order's files are archived once, and a batch's deposit slip once per order (jobs may run again).
  `CREATE UNIQUE INDEX archive_items_order_file ON archive_items (order_id, kind, sha256) WHERE order_id IS NOT NULL`,
  `CREATE UNIQUE INDEX archive_items_order_slip ON archive_items (order_id, title) WHERE kind = 'deposit_slip'`,

  `CREATE FUNCTION pli_archive_item_guard() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'DELETE' THEN
       RAISE EXCEPTION 'archived items are never deleted: destruction keeps a minimal record' USING ERRCODE = 'insufficient_privilege';
     END IF;
     IF NEW.id <> OLD.id OR NEW.organisation_id <> OLD.organisation_id OR NEW.tier <> OLD.tier OR NEW.sha256 <> OLD.sha256
        OR NEW.sha3_256 <> OLD.sha3_256 OR NEW.size_bytes <> OLD.size_bytes OR NEW.deposited_at <> OLD.deposited_at
        OR NEW.deposit_seq <> OLD.deposit_seq OR NEW.timestamp_token IS DISTINCT FROM OLD.timestamp_token OR NEW.timestamped_at IS DISTINCT FROM OLD.timestamped_at
        OR NEW.retention_years < OLD.retention_years OR NEW.retain_until < OLD.retain_until THEN
       RAISE EXCEPTION 'what proves a deposit never changes, and a retention is never shortened' USING ERRCODE = 'insufficient_privilege';
     END IF;
     IF OLD.status = 'destroyed' AND NEW.status <> 'destroyed' THEN
       RAISE EXCEPTION 'a destroyed item stays destroyed' USING ERRCODE = 'insufficient_privilege';
     END IF;
     RETURN NEW;
   END
   $$`,
  `CREATE TRIGGER archive_items_guard BEFORE UPDATE OR DELETE ON archive_items FOR EACH ROW EXECUTE FUNCTION pli_archive_item_guard()`,
  `CREATE TRIGGER archive_items_no_truncate BEFORE TRUNCATE ON archive_items FOR EACH STATEMENT EXECUTE FUNCTION pli_append_only()`,

  `ALTER TABLE archive_items ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE archive_items FORCE ROW LEVEL SECURITY`,
  `CREATE POLICY archive_items_tenant ON archive_items FOR ALL
     USING (pli_scope() = 'system' OR organisation_id = pli_tenant())
     WITH CHECK (pli_scope() = 'system' OR organisation_id = pli_tenant())`,
  `GRANT SELECT, INSERT, UPDATE ON archive_items TO pli_app`,

  // Each checkpoint also kept as an object under a retention (WORM): a copy the database cannot rewrite.
  `ALTER TABLE trust_checkpoints ADD COLUMN object_sha256 text`,
];
