import type { Policy } from '../../platform/http/auth.js';

/** Who may do what with accounts. Pure functions of the principal; the issue on accounts grows
 * this into the full role matrix. */
export const accountsPolicy = {
  /** Every signed-in person may read who they are and manage their own API keys. */
  readSelf: (() => true) satisfies Policy,
  manageOwnApiKeys: (() => true) satisfies Policy,
} as const;
