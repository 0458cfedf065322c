import type { Policy } from '../../platform/http/auth.js';

/** The floor is the provider's operators and administrators; its settings, the administrators'. */
export const productionPolicy = {
  floor: ((p) => p.role === 'operator' || p.role === 'provider_admin') satisfies Policy,
  settings: ((p) => p.role === 'provider_admin') satisfies Policy,
} as const;
