/**
 * An API key's request is authenticated in one round trip: one statement, outside any explicit
 * transaction, whose plan the connection keeps (PL/pgSQL caches it), instead of BEGIN, the scope's
 * set_config, a three-table join planned afresh, COMMIT. The function runs in the system scope it
 * sets for itself, the one the lookup ran in before: a key is looked up before any principal
 * exists. Nothing is cached between requests, so a revoked key is refused on the next one.
 */
export const statements: string[] = [
  `CREATE FUNCTION pli_api_key_principal(p_key text)
     RETURNS TABLE (secret_hash text, revoked_at timestamptz, last_used_at timestamptz, user_id text, email text, name text,
                    role text, locale text, user_status text, organisation_id text, organisation_name text, organisation_status text)
     LANGUAGE plpgsql STABLE SECURITY DEFINER
     SET app.scope = 'system' SET search_path = public
   AS $$
   BEGIN
     RETURN QUERY
       SELECT k.secret_hash, k.revoked_at, k.last_used_at, u.id, u.email, u.name, u.role, u.locale, u.status, o.id, o.name, o.status
         FROM api_keys k
         JOIN users u ON u.id = k.user_id
         JOIN organisations o ON o.id = k.organisation_id
        WHERE k.id = p_key;
   END
   $$`,
  `REVOKE ALL ON FUNCTION pli_api_key_principal(text) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION pli_api_key_principal(text) TO pli_app`,
];
