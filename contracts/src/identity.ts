import { z } from 'zod';
import { idOf, timestamp } from './common.js';
import { roleSchema } from './accounts.js';

/**
 * Sign-in, sessions, second factor, activation and password reset.
 *
 * Routes (all JSON; cookie `pli_session`, HttpOnly, SameSite=Lax; every cookie-authenticated write
 * sends the header `X-CSRF-Token: <csrf_token>` from the session):
 *   POST   /api/v1/session                     signInBody → sessionResponse (sets the cookie)
 *   GET    /api/v1/session                     → sessionResponse (401 when signed out)
 *   DELETE /api/v1/session                     sign out (204)
 *   POST   /api/v1/session/logout-everywhere   ends every session of the caller (204)
 *   POST   /api/v1/session/totp                totpBody → sessionResponse (second step of sign-in)
 *   POST   /api/v1/session/totp/enrollment     → totpEnrollment (secret + QR; session stage 'totp_enrollment' or a signed-in client)
 *   POST   /api/v1/session/totp/enrollment/confirm  totpBody → recoveryCodes (enables TOTP)
 *   DELETE /api/v1/me/totp                     passwordBody → 204 (clients only; staff cannot disable)
 *   POST   /api/v1/me/recovery-codes           passwordBody → recoveryCodes (new set)
 *   PATCH  /api/v1/me                          updateMeBody → meResponse
 *   POST   /api/v1/me/password                 changePasswordBody → 204 (other sessions end)
 *   GET    /api/v1/activation/{token}          → tokenInfo (404/410 when unknown, used or expired)
 *   POST   /api/v1/activation                  activationBody → 204 (sets the password, account active)
 *   POST   /api/v1/password-reset              { email } → 202 always (an e-mail when the account exists)
 *   GET    /api/v1/password-reset/{token}      → tokenInfo
 *   POST   /api/v1/password-reset/confirm      activationBody → 204 (every session ends)
 */
export const password = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(200, 'must be at most 200 characters');

export const signInBody = z.strictObject({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(200),
});

/** Where the sign-in stands: fully signed in, or waiting for the second factor. */
export const sessionStage = z.enum(['signed_in', 'totp_required', 'totp_enrollment']);

export const sessionUser = z.object({
  id: idOf('usr'),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  locale: z.enum(['fr', 'en']),
  totp_enabled: z.boolean(),
  organisation: z.object({ id: idOf('org'), name: z.string(), kind: z.enum(['provider', 'client']) }),
});

export const sessionResponse = z
  .object({
    stage: sessionStage,
    csrf_token: z.string(),
    expires_at: timestamp,
    user: sessionUser,
  })
  .meta({ id: 'Session' });

export const totpBody = z.strictObject({
  /** A 6-digit code from the authenticator app, or one recovery code (xxxxx-xxxxx). */
  code: z.string().trim().min(6).max(20),
});

export const totpEnrollment = z.object({
  secret: z.string(),
  otpauth_url: z.string(),
  /** An SVG image of the QR code (self-contained, safe to show as an <img> data URL). */
  qr_svg: z.string(),
});

export const recoveryCodes = z.object({ recovery_codes: z.array(z.string()) });

export const passwordBody = z.strictObject({ password: z.string().min(1).max(200) });

export const updateMeBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  locale: z.enum(['fr', 'en']).optional(),
});

export const changePasswordBody = z.strictObject({
  current_password: z.string().min(1).max(200),
  new_password: password,
});

export const activationBody = z.strictObject({
  token: z.string().min(10).max(200),
  password,
});

export const passwordResetBody = z.strictObject({ email: z.string().trim().min(3).max(254) });

export const tokenInfo = z.object({ email: z.string(), name: z.string(), expires_at: timestamp });

export type SessionResponse = z.infer<typeof sessionResponse>;
export type SessionUser = z.infer<typeof sessionUser>;
