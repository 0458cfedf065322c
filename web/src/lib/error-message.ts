import type { TFunction } from 'i18next';
import { ApiError } from './http';

// The server words its refusals in the portal's language (Accept-Language): its `detail` is shown
// as it is. These few codes keep a sentence of the portal's own, because it speaks of the page
// itself (a link on it, reloading it) or because a 5xx detail tells the person nothing useful.
const CODE_MESSAGES = {
  account_locked: 'errors.codes.account_locked',
  csrf_failed: 'errors.codes.csrf_failed',
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
