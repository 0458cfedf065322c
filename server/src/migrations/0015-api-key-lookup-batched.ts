/**
 * The API-key lookup of migration 0012, for several keys in one statement: the requests that
 * arrive together share a round trip (platform/db/batched-lookup.ts). Same scope, same columns,
 * plus the key's id to tell the rows apart; still nothing cached between requests.
 */
export const statements: string[] = [
  `CREATE FUNCTION pli_api_key_principals(p_keys text[])
     RETURNS TABLE (key_id text, secret_hash text, revoked_at timestamptz, last_used_at timestamptz, user_id text, email text, name text,
                    role text, locale text, user_status text, organisation_id text, organisation_name text, organisation_status text)
     LANGUAGE plpgsql STABLE SECURITY DEFINER
     SET app.scope = 'system' SET search_path = public
   AS $$
   BEGIN
     RETURN QUERY
       SELECT k.id, k.secret_hash, k.revoked_at, k.last_used_at, u.id, u.email, u.name, u.role, u.locale, u.status, o.id, o.name, o.status
         FROM api_keys k
         JOIN users u ON u.id = k.user_id
         JOIN organisations o ON o.id = k.organisation_id
        WHERE k.id = ANY (p_keys);
   END
   $$`,
  `REVOKE ALL ON FUNCTION pli_api_key_principals(text[]) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION pli_api_key_principals(text[]) TO pli_app`,
  `DROP FUNCTION pli_api_key_principal(text)`,
];
