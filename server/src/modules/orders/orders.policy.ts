import type { Policy } from '../../platform/http/auth.js';

/** Client people order (M-2.2, M-2.3); provider staff read orders for production. */
export const ordersPolicy = {
  write: ((p) => p.role === 'client_admin' || p.role === 'client_user') satisfies Policy,
  read: (() => true) satisfies Policy,
  readTariffs: ((p) => p.role !== 'client_user') satisfies Policy,
  manageTariffs: ((p) => p.role === 'provider_admin') satisfies Policy,
  /** The production rules hold nothing of any organisation's, and a client's quote follows them. */
  readProductionRules: (() => true) satisfies Policy,
  manageProductionRules: ((p) => p.role === 'provider_admin') satisfies Policy,
} as const;
