/**
 * People signing in: sessions, second factor, single-use tokens (activation, password reset),
 * account imports and the audit trail.
 */
const tenantPolicy = (t: string) => [
  `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`,
  `CREATE POLICY ${t}_tenant ON ${t} FOR ALL
     USING (pli_is_staff() OR organisation_id = pli_tenant())
     WITH CHECK (pli_is_staff() OR organisation_id = pli_tenant())`,
];

export const statements: string[] = [
  `ALTER TABLE users
     ADD COLUMN totp_secret text,
     ADD COLUMN totp_enabled_at timestamptz,
     ADD COLUMN recovery_code_hashes jsonb NOT NULL DEFAULT '[]',
     ADD COLUMN failed_sign_ins integer NOT NULL DEFAULT 0,
     ADD COLUMN locked_until timestamptz,
     ADD COLUMN password_changed_at timestamptz,
     ADD COLUMN last_sign_in_at timestamptz`,

  `CREATE TABLE sessions (
     id text PRIMARY KEY,
     user_id text NOT NULL REFERENCES users(id),
     organisation_id text NOT NULL REFERENCES organisations(id),
     stage text NOT NULL CHECK (stage IN ('signed_in', 'totp_required', 'totp_enrollment')),
     csrf_token text NOT NULL,
     created_at timestamptz NOT NULL,
     last_seen_at timestamptz NOT NULL,
     expires_at timestamptz NOT NULL,
     ended_at timestamptz,
     ip text,
     user_agent text
   )`,
  `CREATE INDEX sessions_user ON sessions (user_id) WHERE ended_at IS NULL`,
  ...tenantPolicy('sessions'),

  `CREATE TABLE user_tokens (
     id text PRIMARY KEY,
     user_id text NOT NULL REFERENCES users(id),
     organisation_id text NOT NULL REFERENCES organisations(id),
     kind text NOT NULL CHECK (kind IN ('activation', 'password_reset')),
     created_at timestamptz NOT NULL,
     expires_at timestamptz NOT NULL,
     used_at timestamptz
   )`,
  `CREATE INDEX user_tokens_user ON user_tokens (user_id, kind)`,
  ...tenantPolicy('user_tokens'),

  `CREATE TABLE account_imports (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations(id),
     filename text NOT NULL,
     file_sha256 text NOT NULL,
     created_by text NOT NULL REFERENCES users(id),
     created_at timestamptz NOT NULL,
     applied_at timestamptz,
     rows jsonb NOT NULL
   )`,
  `CREATE INDEX account_imports_organisation ON account_imports (organisation_id, id)`,
  ...tenantPolicy('account_imports'),

  // Append-only: the app role may add and read events, never change or remove them.
  `CREATE TABLE audit_events (
     id text PRIMARY KEY,
     organisation_id text REFERENCES organisations(id),
     actor_user_id text,
     action text NOT NULL,
     subject_id text,
     detail jsonb NOT NULL DEFAULT '{}',
     ip text,
     at timestamptz NOT NULL
   )`,
  `CREATE INDEX audit_events_organisation ON audit_events (organisation_id, at DESC)`,
  `ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE audit_events FORCE ROW LEVEL SECURITY`,
  `CREATE POLICY audit_events_read ON audit_events FOR SELECT USING (pli_is_staff() OR organisation_id = pli_tenant())`,
  `CREATE POLICY audit_events_write ON audit_events FOR INSERT WITH CHECK (pli_is_staff() OR organisation_id = pli_tenant())`,

  `GRANT SELECT, INSERT, UPDATE ON sessions, user_tokens, account_imports TO pli_app`,
  `GRANT SELECT, INSERT ON audit_events TO pli_app`,
];
