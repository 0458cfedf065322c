/**
 * Organisations, contracts, users, API keys, the mail outbox and idempotency records, with the
 * database-enforced tenant walls. Statements are listed one by one because PGlite's query()
 * takes a single statement.
 */
export const statements: string[] = [
  // The application's role: owns nothing, so row-level security always applies to it.
  `DO $$ BEGIN
     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pli_app') THEN CREATE ROLE pli_app NOLOGIN; END IF;
   EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
  `DO $$ BEGIN
     IF NOT pg_has_role(current_user, 'pli_app', 'MEMBER') THEN EXECUTE format('GRANT pli_app TO %I', current_user); END IF;
   EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
  `GRANT USAGE ON SCHEMA public TO pli_app`,

  // Scope of the current transaction, set by the server from the authenticated principal.
  `CREATE FUNCTION pli_scope() RETURNS text LANGUAGE sql STABLE AS
     $$ SELECT NULLIF(current_setting('app.scope', true), '') $$`,
  `CREATE FUNCTION pli_tenant() RETURNS text LANGUAGE sql STABLE AS
     $$ SELECT NULLIF(current_setting('app.tenant', true), '') $$`,
  `CREATE FUNCTION pli_is_staff() RETURNS boolean LANGUAGE sql STABLE AS
     $$ SELECT coalesce(pli_scope() IN ('provider', 'system'), false) $$`,

  `CREATE TABLE organisations (
     id text PRIMARY KEY,
     kind text NOT NULL CHECK (kind IN ('provider', 'client')),
     name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
     status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  // Exactly one provider organisation.
  `CREATE UNIQUE INDEX organisations_one_provider ON organisations (kind) WHERE kind = 'provider'`,

  `CREATE TABLE contracts (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations(id),
     starts_on date NOT NULL,
     ends_on date,
     onboarding_ends_on date,
     options jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     CHECK (ends_on IS NULL OR ends_on >= starts_on)
   )`,
  `CREATE INDEX contracts_organisation ON contracts (organisation_id, starts_on)`,

  `CREATE TABLE users (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations(id),
     email text NOT NULL CHECK (email = lower(email) AND position('@' in email) > 1),
     name text NOT NULL,
     role text NOT NULL CHECK (role IN ('provider_admin', 'operator', 'support_agent', 'client_admin', 'client_user')),
     status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'deactivated')),
     password_hash text,
     locale text NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  // One person, one account, across every organisation.
  `CREATE UNIQUE INDEX users_email ON users (email)`,
  `CREATE INDEX users_organisation ON users (organisation_id, id)`,

  `CREATE TABLE api_keys (
     id text PRIMARY KEY,
     organisation_id text NOT NULL REFERENCES organisations(id),
     user_id text NOT NULL REFERENCES users(id),
     name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
     secret_hash text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     last_used_at timestamptz,
     revoked_at timestamptz
   )`,
  `CREATE INDEX api_keys_user ON api_keys (user_id, id)`,

  `CREATE TABLE outbox_messages (
     id text PRIMARY KEY,
     organisation_id text REFERENCES organisations(id),
     to_address text NOT NULL,
     subject text NOT NULL,
     text_body text NOT NULL,
     html_body text,
     template text,
     status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
     transport text CHECK (transport IN ('smtp', 'outbox')),
     attempts integer NOT NULL DEFAULT 0,
     last_error text,
     sent_at timestamptz,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX outbox_messages_created ON outbox_messages (created_at DESC, id DESC)`,

  `CREATE TABLE idempotency_keys (
     organisation_id text NOT NULL REFERENCES organisations(id),
     principal_id text NOT NULL,
     key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
     request_hash text NOT NULL,
     status_code integer,
     response_body jsonb,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (organisation_id, principal_id, key)
   )`,

  // Row-level security, forced: the table owner is bound too.
  ...['organisations', 'contracts', 'users', 'api_keys', 'outbox_messages', 'idempotency_keys'].flatMap((t) => [
    `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`,
  ]),
  // Clients read their own organisation; only provider staff and the system scope write organisations.
  `CREATE POLICY organisations_read ON organisations FOR SELECT USING (pli_is_staff() OR id = pli_tenant())`,
  `CREATE POLICY organisations_write ON organisations FOR INSERT WITH CHECK (pli_is_staff())`,
  `CREATE POLICY organisations_update ON organisations FOR UPDATE USING (pli_is_staff()) WITH CHECK (pli_is_staff())`,
  `CREATE POLICY contracts_read ON contracts FOR SELECT USING (pli_is_staff() OR organisation_id = pli_tenant())`,
  `CREATE POLICY contracts_write ON contracts FOR ALL USING (pli_is_staff()) WITH CHECK (pli_is_staff())`,
  ...['users', 'api_keys', 'idempotency_keys'].map(
    (t) =>
      `CREATE POLICY ${t}_tenant ON ${t} FOR ALL
         USING (pli_is_staff() OR organisation_id = pli_tenant())
         WITH CHECK (pli_is_staff() OR organisation_id = pli_tenant())`,
  ),
  // Mail can be queued from any scope (an invitation by a client administrator), but only the
  // provider reads the outbox: it holds other people's activation links.
  `CREATE POLICY outbox_queue ON outbox_messages FOR INSERT
     WITH CHECK (pli_is_staff() OR organisation_id = pli_tenant())`,
  `CREATE POLICY outbox_read ON outbox_messages FOR SELECT USING (pli_is_staff())`,
  `CREATE POLICY outbox_update ON outbox_messages FOR UPDATE USING (pli_is_staff()) WITH CHECK (pli_is_staff())`,

  `GRANT SELECT, INSERT, UPDATE ON organisations, contracts, users, api_keys, outbox_messages TO pli_app`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO pli_app`,
];
