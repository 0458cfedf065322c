import type { TFunction } from 'i18next';
import { ApiError } from './http';

// Codes the server sends (problem+json `code`) that have a message in the interface language.
// Any other code falls back to the server's `detail`, which is written for people too.
const CODE_MESSAGES = {
  invalid_credentials: 'errors.codes.invalid_credentials',
  account_locked: 'errors.codes.account_locked',
  rate_limited: 'errors.codes.rate_limited',
  invalid_code: 'errors.codes.invalid_code',
  totp_invalid: 'errors.codes.invalid_code',
  second_factor_required: 'errors.codes.second_factor_required',
  csrf_failed: 'errors.codes.csrf_failed',
  token_invalid: 'errors.codes.token_invalid',
  account_disabled: 'errors.codes.account_disabled',
  invalid_password: 'errors.codes.invalid_password',
  token_expired: 'errors.codes.token_expired',
  token_used: 'errors.codes.token_used',
  account_deactivated: 'errors.codes.account_deactivated',
  account_not_active: 'errors.codes.account_not_active',
  organisation_suspended: 'errors.codes.organisation_suspended',
  unauthenticated: 'errors.codes.unauthenticated',
  forbidden: 'errors.codes.forbidden',
  not_found: 'errors.codes.not_found',
  payload_too_large: 'errors.codes.payload_too_large',
  unsupported_media_type: 'errors.codes.unsupported_media_type',
  unavailable: 'errors.codes.unavailable',
  internal: 'errors.codes.internal',
} as const;

type KnownCode = keyof typeof CODE_MESSAGES;

function isKnownCode(code: string | undefined): code is KnownCode {
  return code !== undefined && Object.hasOwn(CODE_MESSAGES, code);
}

/** One readable sentence for whatever went wrong. */
export function errorMessage(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.isNetworkError) return t('errors.network');
    if (isKnownCode(error.code)) return t(CODE_MESSAGES[error.code]);
    if (error.code === 'validation_failed' && error.errors.length > 0) return t('errors.validation');
    if (error.detail) return error.detail;
    if (error.status >= 500) return t('errors.codes.internal');
    return error.title;
  }
  return t('errors.unexpected');
}

/** The server's message for one field, when the error is about that field. */
export function fieldError(error: unknown, ...fields: string[]): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  for (const field of fields) {
    const message = error.fieldError(field);
    if (message !== undefined) return message;
  }
  return undefined;
}
