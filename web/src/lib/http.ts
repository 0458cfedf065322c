// A tiny fetch client for the Pli API: JSON in and out, the session cookie sent along with
// its CSRF token on every write, the portal's language on every request (the server words its
// refusals in it), and RFC 9457 problem+json answers turned into one error type the UI can show.

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  /** The server's machine-readable reason ('invalid_credentials', 'token_expired', …). */
  readonly code: string | undefined;
  readonly errors: FieldError[];
  /** The problem's other members (e.g. a conflict's `order_id`): what a page may link to. */
  readonly extra: Record<string, unknown>;

  constructor(init: {
    status: number;
    title: string;
    type?: string | undefined;
    detail?: string | undefined;
    code?: string | undefined;
    errors?: FieldError[] | undefined;
    extra?: Record<string, unknown> | undefined;
  }) {
    super(init.detail ?? init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.type = init.type ?? 'about:blank';
    this.title = init.title;
    this.detail = init.detail;
    this.code = init.code;
    this.errors = init.errors ?? [];
    this.extra = init.extra ?? {};
  }

  /** The message the server gave for one field (`errors[].field`), if any. */
  fieldError(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }

  /** No answer at all (offline, DNS, server down): `status` is 0. */
  get isNetworkError(): boolean {
    return this.status === 0;
  }
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /**
   * A 401 from this request is an answer about what was typed (a wrong password or code),
   * not the end of the session: the unauthorized handler is not called.
   */
  authAttempt?: boolean;
}

// The CSRF token of the current session, from the last session response (sign-in, second
// factor, or GET /api/v1/session on load). Sent with every write, never with reads.
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

// The language the portal shows, set by lib/i18n.ts; null until it is known, and the server
// then answers in the person's chosen language, or French.
let language: string | null = null;

export function setRequestLanguage(value: string | null): void {
  language = value;
}

/** What every request to the API carries besides its body: the CSRF token on writes, the language. */
export function apiHeaders(method: string): Record<string, string> {
  return {
    ...(csrfToken !== null && method !== 'GET' && method !== 'HEAD' ? { 'X-CSRF-Token': csrfToken } : {}),
    ...(language !== null ? { 'Accept-Language': language } : {}),
  };
}

type UnauthorizedHandler = (error: ApiError) => void;
let unauthorizedHandler: UnauthorizedHandler | null = null;

/** Called on any 401 (except sign-in attempts): the app sends the person back to /login. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  unauthorizedHandler = handler;
}

export function reportUnauthorized(error: ApiError): void {
  if (error.status === 401) unauthorizedHandler?.(error);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toFieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item): FieldError[] =>
    isRecord(item) && typeof item.message === 'string'
      ? [{ field: typeof item.field === 'string' ? item.field : '', message: item.message }]
      : [],
  );
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return undefined;
  const text = await response.text();
  if (text === '') return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

const PROBLEM_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'errors']);

/** Builds the error from a failed answer's status and (problem+json) body. */
export function toApiError(status: number, statusText: string, body: unknown): ApiError {
  if (isRecord(body)) {
    return new ApiError({
      status: typeof body.status === 'number' ? body.status : status,
      type: typeof body.type === 'string' ? body.type : undefined,
      title: typeof body.title === 'string' ? body.title : statusText || 'Error',
      detail: typeof body.detail === 'string' ? body.detail : undefined,
      code: typeof body.code === 'string' ? body.code : undefined,
      errors: toFieldErrors(body.errors),
      extra: Object.fromEntries(Object.entries(body).filter(([key]) => !PROBLEM_MEMBERS.has(key))),
    });
  }
  return new ApiError({ status, title: statusText || `HTTP ${status}` });
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...apiHeaders(method), ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body; // the browser sets the multipart boundary itself
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body,
      credentials: 'include',
      signal: options.signal ?? null,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ status: 0, title: 'Network error', detail: String(cause) });
  }

  const payload = await readBody(response);
  if (!response.ok) {
    const error = toApiError(response.status, response.statusText, payload);
    if (!options.authAttempt) reportUnauthorized(error);
    throw error;
  }
  return payload as T;
}

export const http = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
};
