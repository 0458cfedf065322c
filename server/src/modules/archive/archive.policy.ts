import type { Policy } from '../../platform/http/auth.js';

/**
 * The archives are the client's: its people deposit and read them (a user their own files, an
 * administrator the organisation's — the use cases say which rows); provider staff keep them and
 * never read them. Legal holds and approving a destruction are an administrator's acts.
 */
const client: Policy = (p) => p.role === 'client_admin' || p.role === 'client_user';

export const archivePolicy = {
  use: client,
  administer: ((p) => p.role === 'client_admin') satisfies Policy,
} as const;
