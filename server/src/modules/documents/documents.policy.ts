import type { Policy } from '../../platform/http/auth.js';

/** Clients upload and read their organisation's documents; provider staff read them for production. */
export const documentsPolicy = {
  upload: ((p) => p.role === 'client_admin' || p.role === 'client_user') satisfies Policy,
  read: (() => true) satisfies Policy,
} as const;
