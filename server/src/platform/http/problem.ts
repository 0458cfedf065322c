import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, errorCatalogue, type ErrorCode, type FieldError } from '../../errors.js';
import { fromAcceptLanguage, isPlainKey, message, render, toMessage, type Language, type Message, type PlainKey } from '../../i18n/index.js';

/** RFC 9457 problem details, the one error shape of the API. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: Array<{ field: string; message: string }>;
  request_id?: string;
  [extra: string]: unknown;
}

/** A problem before it is written: its sentences are messages until the request's language is known. */
export interface ProblemSource {
  code: ErrorCode;
  sentence: Message;
  errors?: FieldError[] | undefined;
  extra?: Record<string, unknown> | undefined;
}

const TYPE_BASE = 'https://pli.test/problems/';

export function problemFrom(code: ErrorCode, sentence: Message | PlainKey, errors?: FieldError[], extra?: Record<string, unknown>): ProblemSource {
  return { code, sentence: toMessage(sentence), errors, extra };
}

export function renderProblem(source: ProblemSource, language: Language): Problem {
  const { code, errors } = source;
  return {
    ...(source.extra ?? {}),
    type: `${TYPE_BASE}${code.replaceAll('_', '-')}`,
    title: render(language, message(`title.${code}`)),
    status: errorCatalogue[code].status,
    detail: render(language, source.sentence),
    code,
    ...(errors && errors.length > 0 ? { errors: errors.map((e) => ({ field: e.field, message: render(language, toMessage(e.message)) })) } : {}),
  };
}

/**
 * The language of the answer: what the request's Accept-Language asks for, else the signed-in
 * person's choice in their profile, else French, the portal's language.
 */
export function languageOf(request: FastifyRequest): Language {
  return fromAcceptLanguage(request.headers['accept-language']) ?? request.principal?.locale ?? 'fr';
}

function fieldName(path: ReadonlyArray<PropertyKey>, prefix: string): string {
  const parts = path.map(String);
  return [prefix, ...parts].filter((p) => p && p !== 'body').join('.') || prefix;
}

const PARTS = { body: 'http.part.body', querystring: 'http.part.querystring', params: 'http.part.params', headers: 'http.part.headers' } as const;

type Issue = FastifySchemaValidationError;

/**
 * One validator issue (a zod issue, as fastify-type-provider-zod passes it on) in our words: zod's
 * own messages are English only, so the sentence is chosen from the issue's code and parameters.
 */
function issueMessage(issue: Issue): Message | PlainKey {
  const p = issue.params as Record<string, unknown>;
  const n = (value: unknown): number => Number(value);
  switch (issue.keyword) {
    case 'invalid_type': {
      // zod 4 keeps the input out of the issue; its message is the one place that says it was absent.
      if (/received undefined$/.test(issue.message ?? '')) return 'field.required';
      const type = `type.${String(p.expected)}`;
      return message('field.type', { expected: isPlainKey(type) ? toMessage(type) : String(p.expected) });
    }
    case 'too_small':
      if (p.origin === 'string') return n(p.minimum) === 1 ? 'field.empty' : message('field.too_short', { count: n(p.minimum) });
      if (p.origin === 'array' || p.origin === 'set') return message('field.too_few', { count: n(p.minimum) });
      return message(p.inclusive === false ? 'field.more_than' : 'field.at_least', { minimum: String(p.minimum) });
    case 'too_big':
      if (p.origin === 'string') return message('field.too_long', { count: n(p.maximum) });
      if (p.origin === 'array' || p.origin === 'set') return message('field.too_many', { count: n(p.maximum) });
      return message(p.inclusive === false ? 'field.less_than' : 'field.at_most', { maximum: String(p.maximum) });
    case 'invalid_format':
      return p.format === 'email' ? 'field.not_email' : p.format === 'url' ? 'field.not_url' : p.format === 'date' ? 'field.not_date' : p.format === 'datetime' ? 'field.not_datetime' : 'field.bad_format';
    case 'invalid_value':
      return message('field.one_of', { values: Array.isArray(p.values) ? p.values.map(String).join(', ') : '' });
    case 'not_multiple_of':
      return message('field.multiple_of', { divisor: String(p.divisor) });
    case 'custom': {
      // A contract's refinement names its sentence in `params.message` (contracts/ cannot import ours).
      const key = (p.params as { message?: unknown } | undefined)?.message;
      return typeof key === 'string' && isPlainKey(key) ? key : 'field.invalid';
    }
    default:
      return 'field.invalid';
  }
}

/** Maps whatever was thrown to a problem; unknown errors become a 500 with no detail leaked. */
export function toProblem(err: unknown): { problem: ProblemSource; unexpected: boolean } {
  if (err instanceof AppError) {
    return { problem: problemFrom(err.code, err.sentence, err.errors, err.extra), unexpected: false };
  }
  const fe = err as FastifyError & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(fe)) {
    const where = (fe.validationContext ?? 'body') as keyof typeof PARTS;
    const errors = fe.validation.map((v): FieldError[] => {
      const path = (v.instancePath ?? '').split('/').filter(Boolean);
      const base = fieldName(path, where === 'body' ? '' : where);
      const keys = (v.params as { keys?: unknown }).keys;
      if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
        return keys.map((k) => ({ field: base ? `${base}.${String(k)}` : String(k), message: 'field.unknown' }));
      }
      return [{ field: base || where, message: issueMessage(v) }];
    });
    const flat = errors.flat();
    return {
      problem: problemFrom('validation_failed', message('http.invalid_fields', { count: flat.length, where: message(PARTS[where] ?? 'http.part.body') }), flat),
      unexpected: false,
    };
  }
  if (isResponseSerializationError(fe)) {
    return { problem: problemFrom('internal', 'http.invalid_response'), unexpected: true };
  }
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { problem: problemFrom('payload_too_large', 'http.body_too_large_for_route'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { problem: problemFrom('unsupported_media_type', 'http.json_only'), unexpected: false };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { problem: problemFrom('bad_request', 'http.empty_json'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { problem: problemFrom('bad_request', 'http.invalid_json'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { problem: problemFrom('bad_request', 'http.content_length'), unexpected: false };
    case 'FST_ERR_RATE_LIMIT_EXCEEDED':
      return { problem: problemFrom('rate_limited', 'http.rate_limited'), unexpected: false };
    default:
      break;
  }
  if (fe instanceof SyntaxError || fe?.statusCode === 400) {
    return { problem: problemFrom('bad_request', 'http.invalid_json'), unexpected: false };
  }
  if (fe?.statusCode === 413) return { problem: problemFrom('payload_too_large', 'http.body_too_large'), unexpected: false };
  if (fe?.statusCode === 415) return { problem: problemFrom('unsupported_media_type', 'http.unsupported_content_type'), unexpected: false };
  if (fe?.statusCode === 429) return { problem: problemFrom('rate_limited', 'http.rate_limited'), unexpected: false };
  return { problem: problemFrom('internal', 'http.internal'), unexpected: true };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, source: ProblemSource): FastifyReply {
  const language = languageOf(request);
  const problem = renderProblem(source, language);
  return reply
    .code(problem.status)
    .type('application/problem+json; charset=utf-8')
    .header('content-language', language)
    .send({ ...problem, request_id: request.id });
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let mapped: ReturnType<typeof toProblem>;
  try {
    mapped = toProblem(err);
  } catch (mappingError) {
    // The error shape must hold even when mapping fails: never Fastify's default body.
    request.log.error({ err, mappingError }, 'error while mapping an error');
    mapped = { problem: problemFrom('internal', 'http.internal_mapping'), unexpected: true };
  }
  const { problem, unexpected } = mapped;
  if (unexpected) request.log.error({ err }, 'unexpected error');
  else if (errorCatalogue[problem.code].status >= 500) request.log.warn({ err }, render('en', problem.sentence));
  if (problem.code === 'rate_limited') {
    const retry = reply.getHeader('retry-after');
    if (retry !== undefined) reply.header('retry-after', retry);
  }
  return sendProblem(reply, request, problem);
}
