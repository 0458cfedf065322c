/**
 * Checkpoints of the trust journal (platform/trust/checkpoints.ts): a tree head (size, root)
 * signed with the seal key and time-stamped (RFC 3161), each also recorded in the journal itself.
 * Append-only like the journal (the workers add them as the application role); anyone in Pli may
 * read them: they are what proofs point at.
 */
export const statements: string[] = [
  `CREATE TABLE trust_checkpoints (
     tree_size bigint PRIMARY KEY CHECK (tree_size > 0),
     root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
     signed_at timestamptz NOT NULL,
     statement text NOT NULL,
     signature bytea NOT NULL,
     timestamp_token bytea NOT NULL,
     journal_seq bigint NOT NULL REFERENCES trust_journal (seq)
   )`,
  `CREATE TRIGGER trust_checkpoints_append_only BEFORE UPDATE OR DELETE ON trust_checkpoints FOR EACH ROW EXECUTE FUNCTION pli_append_only()`,
  `CREATE TRIGGER trust_checkpoints_no_truncate BEFORE TRUNCATE ON trust_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION pli_append_only()`,
  `GRANT SELECT, INSERT ON trust_checkpoints TO pli_app`,
];
