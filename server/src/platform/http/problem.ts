import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, errorCatalogue, type ErrorCode, type FieldError } from '../../errors.js';

/** RFC 9457 problem details, the one error shape of the API. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  request_id?: string;
  [extra: string]: unknown;
}

const TYPE_BASE = 'https://pli.test/problems/';

export function problemFrom(code: ErrorCode, detail: string, errors?: FieldError[], extra?: Record<string, unknown>): Problem {
  const entry = errorCatalogue[code];
  return {
    ...(extra ?? {}),
    type: `${TYPE_BASE}${code.replaceAll('_', '-')}`,
    title: entry.title,
    status: entry.status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

function fieldName(path: ReadonlyArray<PropertyKey>, prefix: string): string {
  const parts = path.map(String);
  return [prefix, ...parts].filter((p) => p && p !== 'body').join('.') || prefix;
}

/** Maps whatever was thrown to a problem; unknown errors become a 500 with no detail leaked. */
export function toProblem(err: unknown): { problem: Problem; unexpected: boolean } {
  if (err instanceof AppError) {
    return { problem: problemFrom(err.code, err.detail, err.errors, err.extra), unexpected: false };
  }
  const fe = err as FastifyError & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(fe)) {
    const where = fe.validationContext ?? 'body';
    const errors = fe.validation.map((v) => {
      const path = (v.instancePath ?? '').split('/').filter(Boolean);
      const base = fieldName(path, where === 'body' ? '' : where);
      const keys = (v.params as { keys?: unknown }).keys;
      if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
        return keys.map((k) => ({ field: base ? `${base}.${String(k)}` : String(k), message: 'is not a known field' }));
      }
      return [{ field: base || where, message: v.message ?? 'is invalid' }];
    });
    const flat = errors.flat();
    return {
      problem: problemFrom('validation_failed', `The request ${where} has ${flat.length === 1 ? 'an invalid field' : `${flat.length} invalid fields`}.`, flat),
      unexpected: false,
    };
  }
  if (isResponseSerializationError(fe)) {
    return { problem: problemFrom('internal', 'The server produced an invalid response.'), unexpected: true };
  }
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { problem: problemFrom('payload_too_large', 'The request body is larger than this endpoint accepts.'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { problem: problemFrom('unsupported_media_type', 'This endpoint does not accept that Content-Type; send application/json.'), unexpected: false };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { problem: problemFrom('bad_request', 'The request says it carries JSON but its body is empty.'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { problem: problemFrom('bad_request', 'The request body is not valid JSON.'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { problem: problemFrom('bad_request', 'The Content-Length header does not match the body.'), unexpected: false };
    case 'FST_ERR_RATE_LIMIT_EXCEEDED':
      return { problem: problemFrom('rate_limited', 'Too many requests: wait a moment and try again.'), unexpected: false };
    default:
      break;
  }
  if (fe instanceof SyntaxError || fe?.statusCode === 400) {
    return { problem: problemFrom('bad_request', 'The request body is not valid JSON.'), unexpected: false };
  }
  if (fe?.statusCode === 413) return { problem: problemFrom('payload_too_large', 'The request body is too large.'), unexpected: false };
  if (fe?.statusCode === 415) return { problem: problemFrom('unsupported_media_type', 'Unsupported Content-Type.'), unexpected: false };
  if (fe?.statusCode === 429) return { problem: problemFrom('rate_limited', 'Too many requests: wait a moment and try again.'), unexpected: false };
  return { problem: problemFrom('internal', 'Something went wrong on our side. The request id helps support find it.'), unexpected: true };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Problem): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json; charset=utf-8')
    .send({ ...problem, request_id: request.id });
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let mapped: ReturnType<typeof toProblem>;
  try {
    mapped = toProblem(err);
  } catch (mappingError) {
    // The error shape must hold even when mapping fails: never Fastify's default body.
    request.log.error({ err, mappingError }, 'error while mapping an error');
    mapped = { problem: problemFrom('internal', 'Something went wrong on our side.'), unexpected: true };
  }
  const { problem, unexpected } = mapped;
  if (unexpected) request.log.error({ err }, 'unexpected error');
  else if (problem.status >= 500) request.log.warn({ err }, problem.detail);
  if (problem.code === 'rate_limited') {
    const retry = reply.getHeader('retry-after');
    if (retry !== undefined) reply.header('retry-after', retry);
  }
  return sendProblem(reply, request, problem);
}
