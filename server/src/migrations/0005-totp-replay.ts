/** The last authenticator time step accepted per user: a code is good once (RFC 6238 §5.2). */
export const statements: string[] = [`ALTER TABLE users ADD COLUMN totp_last_step bigint`];
