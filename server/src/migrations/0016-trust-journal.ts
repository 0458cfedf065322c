/**
 * The trust journal (platform/trust/journal.ts): one append-only log of every archive and evidence
 * event, as the leaves of an RFC 9162 Merkle tree. `trust_journal` holds each entry's canonical
 * JSON (RFC 8785) exactly as it was hashed; `trust_journal_nodes` the hash of every perfect
 * subtree, from which tree heads and proofs are made; `trust_journal_head` the size, whose row
 * lock serialises appends.
 *
 * Append-only twice over: the application role may only insert (and read what its scope allows),
 * and triggers refuse any change or deletion even to the owner. A superuser can still switch the
 * triggers off — which the signed, time-stamped checkpoints then reveal.
 */
export const statements: string[] = [
  `CREATE TABLE trust_journal (
     seq bigint PRIMARY KEY CHECK (seq >= 0),
     recorded_at timestamptz NOT NULL,
     kind text NOT NULL,
     organisation_id text REFERENCES organisations (id),
     subject text,
     entry text NOT NULL
   )`,
  `CREATE INDEX trust_journal_subject ON trust_journal (subject, seq) WHERE subject IS NOT NULL`,
  `CREATE TABLE trust_journal_nodes (
     level smallint NOT NULL CHECK (level >= 0 AND level < 64),
     index bigint NOT NULL CHECK (index >= 0),
     hash bytea NOT NULL CHECK (length(hash) = 32),
     PRIMARY KEY (level, index)
   )`,
  `CREATE TABLE trust_journal_head (
     only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
     size bigint NOT NULL CHECK (size >= 0)
   )`,
  `INSERT INTO trust_journal_head (size) VALUES (0)`,

  `CREATE FUNCTION pli_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
   END
   $$`,
  ...['trust_journal', 'trust_journal_nodes'].flatMap((t) => [
    `CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION pli_append_only()`,
    `CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION pli_append_only()`,
  ]),
  // The head only grows, one leaf at a time.
  `CREATE FUNCTION pli_journal_head_grows() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF NEW.size <> OLD.size + 1 THEN
       RAISE EXCEPTION 'the journal grows one entry at a time (% to % refused)', OLD.size, NEW.size USING ERRCODE = 'insufficient_privilege';
     END IF;
     RETURN NEW;
   END
   $$`,
  `CREATE TRIGGER trust_journal_head_grows BEFORE UPDATE ON trust_journal_head FOR EACH ROW EXECUTE FUNCTION pli_journal_head_grows()`,
  `CREATE TRIGGER trust_journal_head_stays BEFORE DELETE ON trust_journal_head FOR EACH ROW EXECUTE FUNCTION pli_append_only()`,

  // Entries about an organisation are read by it and by provider staff; the rest by staff only.
  `ALTER TABLE trust_journal ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE trust_journal FORCE ROW LEVEL SECURITY`,
  `CREATE POLICY trust_journal_read ON trust_journal FOR SELECT USING (pli_is_staff() OR organisation_id = pli_tenant())`,
  `CREATE POLICY trust_journal_add ON trust_journal FOR INSERT WITH CHECK (pli_is_staff() OR organisation_id = pli_tenant())`,
  `GRANT SELECT, INSERT ON trust_journal, trust_journal_nodes TO pli_app`,
  `GRANT SELECT, UPDATE (size) ON trust_journal_head TO pli_app`,
];
