import type { Policy } from '../../platform/http/auth.js';

/**
 * The returns desk is the floor's (operators, administrators); what came back is read by the
 * client it belongs to and by provider staff (support answers questions about it); sending a
 * letter again and the address book are the client's.
 */
export const returnsPolicy = {
  desk: ((p) => p.role === 'operator' || p.role === 'provider_admin') satisfies Policy,
  read: (() => true) satisfies Policy,
  client: ((p) => p.role === 'client_admin' || p.role === 'client_user') satisfies Policy,
} as const;
