import { render, toMessage, type Message, type PlainKey } from './i18n/index.js';

/**
 * Typed application errors. Every failure a user can meet has a code; the code decides the HTTP
 * status once (here), and the error handler renders it as RFC 9457 problem+json, its title and
 * sentences in the request's language (i18n/, ADR 0013).
 */
export const errorCatalogue = {
  bad_request: { status: 400 },
  validation_failed: { status: 400 },
  unauthenticated: { status: 401 },
  invalid_credentials: { status: 401 },
  second_factor_required: { status: 401 },
  totp_invalid: { status: 401 },
  account_disabled: { status: 403 },
  csrf_failed: { status: 403 },
  token_invalid: { status: 404 },
  token_expired: { status: 410 },
  token_used: { status: 410 },
  account_locked: { status: 429 },
  forbidden: { status: 403 },
  not_found: { status: 404 },
  method_not_allowed: { status: 405 },
  conflict: { status: 409 },
  idempotency_key_reused: { status: 422 },
  idempotency_in_progress: { status: 409 },
  payload_too_large: { status: 413 },
  unsupported_media_type: { status: 415 },
  business_rule: { status: 422 },
  rate_limited: { status: 429 },
  unavailable: { status: 503 },
  internal: { status: 500 },
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

/** A field the answer is about, and what is wrong with it (`errors[]` of the problem). */
export interface FieldError {
  field: string;
  message: Message | PlainKey;
}

/**
 * A refusal: its code, and its sentence as a message (rendered in each request's language by the
 * error handler). `detail` and `message` are the English sentence, for logs and tests.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly sentence: Message;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    sentence: Message | PlainKey,
    opts: { errors?: FieldError[]; cause?: unknown; extra?: Record<string, unknown> } = {},
  ) {
    const m = toMessage(sentence);
    const detail = render('en', m);
    super(detail, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.detail = detail;
    this.sentence = m;
    this.errors = opts.errors;
    this.extra = opts.extra;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }
}

/** "This order was not found." and its kin: the thing's own sentence, for gender agreement in French. */
export const notFound = (what: Message | Extract<PlainKey, `not_found.${string}`>): AppError => new AppError('not_found', what);

export { message } from './i18n/index.js';
