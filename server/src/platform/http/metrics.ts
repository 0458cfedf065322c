import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import client from 'prom-client';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant time: how much of a guess matches never shows in how long the answer takes. */
function tokenMatches(header: string | undefined, token: string): boolean {
  return timingSafeEqual(digest(header ?? ''), digest(`Bearer ${token}`));
}

/**
 * Without a token, only a scraper on this machine: a loopback peer that no proxy forwarded (a
 * reverse proxy on the same machine connects from loopback too, and says so in X-Forwarded-For).
 */
function fromThisMachine(request: FastifyRequest): boolean {
  const peer = request.socket.remoteAddress ?? '';
  const loopback = peer === '::1' || /^(::ffff:)?127\./.test(peer);
  return loopback && request.headers['x-forwarded-for'] === undefined && request.headers.forwarded === undefined;
}

/**
 * Prometheus metrics at /metrics: process defaults plus request counts and durations per route.
 * They show the traffic of every client: with `PLI_METRICS_TOKEN` set they want it as a bearer
 * token, without it they answer only on this machine.
 */
export function registerMetrics(app: FastifyInstance, opts: { token: string | undefined }): client.Registry {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'pli_' });
  const duration = new client.Histogram({
    name: 'pli_http_request_duration_seconds',
    help: 'HTTP request duration by route, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: ids in paths would explode the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (opts.token ? !tokenMatches(request.headers.authorization, opts.token) : !fromThisMachine(request)) {
      return reply
        .code(opts.token ? 401 : 403)
        .type('text/plain')
        .send(opts.token ? 'metrics token required\n' : 'metrics are served to this machine only; set PLI_METRICS_TOKEN to scrape them from elsewhere\n');
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return registry;
}
