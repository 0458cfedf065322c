/** Uploaded letters: immutable once stored (M-3.3); what Pli derives lives beside them. */
export const statements: string[] = [
  `CREATE TABLE documents (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations(id),
     created_by text NOT NULL REFERENCES users(id),
     filename text NOT NULL,
     status text NOT NULL CHECK (status IN ('converting', 'ready', 'failed')),
     sha256 text,
     size_bytes bigint,
     source_sha256 text,
     source_size_bytes bigint,
     source_kind text NOT NULL CHECK (source_kind IN ('pdf', 'docx', 'doc', 'odt', 'rtf', 'txt')),
     pages integer,
     address jsonb,
     warnings jsonb NOT NULL DEFAULT '[]',
     failure_reason text,
     created_at timestamptz NOT NULL,
     ready_at timestamptz,
     CHECK (status <> 'ready' OR (sha256 IS NOT NULL AND pages IS NOT NULL))
   )`,
  `CREATE INDEX documents_organisation ON documents (organisation_id, id)`,
  `ALTER TABLE documents ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE documents FORCE ROW LEVEL SECURITY`,
  `CREATE POLICY documents_tenant ON documents FOR ALL
     USING (pli_is_staff() OR organisation_id = pli_tenant())
     WITH CHECK (pli_is_staff() OR organisation_id = pli_tenant())`,
  `GRANT SELECT, INSERT, UPDATE ON documents TO pli_app`,
];
