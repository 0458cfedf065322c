import type { Policy } from '../../platform/http/auth.js';

/** The outbox holds other people's activation links: the provider's administrators only. */
export const outboxPolicy = {
  read: ((p) => p.role === 'provider_admin') satisfies Policy,
  /** The relay's bounce reports, sent with a provider administrator's API key. */
  recordBounces: ((p) => p.role === 'provider_admin') satisfies Policy,
} as const;
