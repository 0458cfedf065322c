import type { SwaggerTransform } from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { problemSchema } from '#contracts/common.js';

/** The problem+json responses a route can give, for its OpenAPI description. */
export function problemResponses(...statuses: number[]): Record<number, typeof problemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, problemSchema]));
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The answers the request path itself gives any route, whatever its handler does: documented
 * for every /api route from what the route declares, so the published document lists every status
 * an outside client can really get. A route adds its own (409, 410, 422…) with problemResponses.
 *  - 400: its params, query or body fail validation (a malformed id too), or a malformed header;
 *  - 401 and 403: it needs a principal (no or bad credentials; a pending second factor; the CSRF
 *    token of a cookie write; the role's policy);
 *  - 404: it names a resource in its path (unknown, or another organisation's);
 *  - 413 and 415: it takes a body (too large; not a type it reads);
 *  - 409 and 422: it honours Idempotency-Key (the first request still running; the key reused);
 *  - 429 and 500: every route (rate limit; an unexpected fault, told as problem+json).
 * Must run before @fastify/swagger's own onRoute hook reads the schema.
 */
export function documentRequestPathErrors(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.schema?.hide) return;
    const schema = (route.schema ??= {});
    const response = (schema.response ??= {}) as Record<string, unknown>;
    const methods = [route.method].flat().map(String);
    const statuses: number[] = [429, 500];
    const hasBody = methods.some((m) => WITH_BODY.has(m));
    const config = route.config as { policy?: unknown; idempotent?: boolean } | undefined;
    if (schema.params || schema.querystring || schema.body || hasBody || config?.idempotent) statuses.push(400);
    if (config?.policy !== undefined && config.policy !== 'public') statuses.push(401, 403);
    if (schema.params) statuses.push(404);
    if (hasBody) statuses.push(413, 415);
    if (config?.idempotent) statuses.push(409, 422);
    for (const status of statuses) if (!(status in response) && !(String(status) in response)) response[status] = problemSchema;
  });
}

/**
 * Every operation gets a stable operationId from its method and path (`GET /api/v1/orders/:id` →
 * `getOrdersById`): client generators and validators address operations by it.
 */
export function operationId(method: string, url: string): string {
  const words = url
    .replace(/^\/api(\/v1)?/, '')
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
    .flatMap((part) => part.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

export function withOperationId(transform: SwaggerTransform<FastifySchema>): SwaggerTransform<FastifySchema> {
  return (input) => {
    const out = transform(input);
    const schema = out.schema as Record<string, unknown> | undefined;
    const method = [input.route.method].flat()[0] ?? 'get';
    if (schema && !schema.hide && schema.operationId === undefined) schema.operationId = operationId(String(method), input.url);
    return out;
  };
}
