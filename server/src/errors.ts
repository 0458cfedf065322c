/**
 * Typed application errors. Every failure a user can meet has a code; the code decides the HTTP
 * status once (here), and the error handler renders it as RFC 9457 problem+json.
 */
export const errorCatalogue = {
  bad_request: { status: 400, title: 'Bad request' },
  validation_failed: { status: 400, title: 'Validation failed' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  invalid_credentials: { status: 401, title: 'Wrong e-mail or password' },
  second_factor_required: { status: 401, title: 'Second factor required' },
  totp_invalid: { status: 401, title: 'Wrong code' },
  account_disabled: { status: 403, title: 'Account disabled' },
  csrf_failed: { status: 403, title: 'Missing or wrong CSRF token' },
  token_invalid: { status: 404, title: 'Unknown link' },
  token_expired: { status: 410, title: 'Link expired' },
  token_used: { status: 410, title: 'Link already used' },
  account_locked: { status: 429, title: 'Account temporarily locked' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  idempotency_key_reused: { status: 422, title: 'Idempotency key reused with another request' },
  idempotency_in_progress: { status: 409, title: 'A request with this idempotency key is still running' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  business_rule: { status: 422, title: 'Business rule violated' },
  rate_limited: { status: 429, title: 'Too many requests' },
  unavailable: { status: 503, title: 'Service unavailable' },
  internal: { status: 500, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    detail: string,
    opts: { errors?: FieldError[]; cause?: unknown; extra?: Record<string, unknown> } = {},
  ) {
    super(detail, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.detail = detail;
    this.errors = opts.errors;
    this.extra = opts.extra;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} was not found.`);
