import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { healthResponse } from '#contracts/accounts.js';
import type { Container } from './container.js';
import { AppError, message } from './errors.js';
import { ping } from './platform/db/database.js';
import { bearerToken, registerAuth, type Authenticator, type RecipientAuthenticator } from './platform/http/auth.js';
import { RECIPIENT_COOKIE, authenticateRecipient, evidenceRoutes, recipientRoutes } from './modules/eletters/index.js';
import { demoIdentityProviderRoutes } from './platform/identity/demo-idp.js';
import { registerIdempotency } from './platform/http/idempotency.js';
import { registerMetrics } from './platform/http/metrics.js';
import { registerSecurityHeaders } from './platform/http/security-headers.js';
import { documentRequestPathErrors, problemResponses, withOperationId } from './platform/http/openapi.js';
import { errorHandler, problemFrom, sendProblem } from './platform/http/problem.js';
import { loggerOptions } from './platform/logger/logger.js';
import { accountsRoutes, authenticateApiKey, authenticateSession, organisationRoutes, SESSION_COOKIE, sessionRoutes } from './modules/accounts/index.js';
import { outboxRoutes } from './modules/outbox/index.js';
import { documentRoutes } from './modules/documents/index.js';
import { orderRoutes, productionRulesRoutes, tariffRoutes } from './modules/orders/index.js';
import { productionRoutes } from './modules/production/index.js';
import { trackingRoutes } from './modules/tracking/index.js';
import { archiveRoutes } from './modules/archive/index.js';
import { returnsRoutes } from './modules/returns/index.js';

export interface BuildAppOptions {
  /** Where the built web app lives; `/` serves it when present. */
  webDir?: string;
  /** Tests pass false to keep output clean. */
  logger?: boolean;
  /** Extra routes (tests register throwaway routes to exercise platform plugins). */
  plugins?: Array<(app: FastifyInstance) => Promise<void> | void>;
}

export const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

/** Builds the HTTP application around a container; never listens (tests use app.inject). */
export async function buildApp(container: Container, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { config } = container;
  const serverOptions: FastifyServerOptions = {
    logger: opts.logger === false ? false : loggerOptions(config.logLevel),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  };
  const app = Fastify(serverOptions).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    return payload;
  });

  registerSecurityHeaders(app, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: config.publicUrl.startsWith('https:'),
  });
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    // Per API key when one is presented (so one office behind a NAT does not share a budget),
    // otherwise per address.
    keyGenerator: (request) => {
      const auth = request.headers.authorization;
      const key = typeof auth === 'string' ? /^Bearer\s+pli_([0-9a-z]{26})_/i.exec(auth)?.[1] : undefined;
      return key ? `key:${key}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', message('http.rate_limited_at_most', { max: context.max, seconds: Math.ceil(context.ttl / 1000) })),
  });

  documentRequestPathErrors(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Pli API',
        version: '1',
        description: 'Hybrid mail: paper letters printed, inserted, franked and posted; electronic letters; archives. Errors are RFC 9457 problem+json.',
      },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `npm run pli -- api-key create --email …`' } } },
      security: [{ apiKey: [] }],
    },
    transform: withOperationId(jsonSchemaTransform),
    transformObject: jsonSchemaTransformObject,
  });
  // Helmet's CSP covers the docs too: Swagger UI loads its scripts from files and only needs inline styles.
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: false });

  registerMetrics(app, { token: config.metricsToken });

  await app.register(cookie);
  // Each upload route sets its own size limit; documents stream into storage.
  await app.register(multipart, { limits: { fileSize: config.maxUploadBytes + 1, files: 1, fields: 10 } });

  const apiKeyAuth: Authenticator = async (request) => {
    const token = bearerToken(request);
    return token === undefined ? null : authenticateApiKey(container, token);
  };
  const sessionAuth: Authenticator = async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    return token ? authenticateSession(container, token) : null;
  };
  // An explicit API key wins over a cookie the same client may also carry.
  // A recipient's cookie opens the recipient routes only (and is refused everywhere else).
  const recipientAuth: RecipientAuthenticator = async (request) => {
    const token = request.cookies[RECIPIENT_COOKIE];
    return token ? authenticateRecipient(container.eletters, token) : null;
  };
  registerAuth(app, [apiKeyAuth, sessionAuth], recipientAuth);
  registerIdempotency(app, { db: container.db, clock: container.clock });

  app.get(
    '/api/health',
    { schema: { tags: ['platform'], summary: 'Liveness: ok once the database answers', security: [], response: { 200: healthResponse, ...problemResponses(503) } } },
    async () => {
      try {
        await ping(container.db);
      } catch (err) {
        throw new AppError('unavailable', 'http.unavailable_database', { cause: err });
      }
      return { status: 'ok' as const };
    },
  );
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(accountsRoutes(container));
  await app.register(sessionRoutes({ ...container, secureCookies: config.publicUrl.startsWith('https:'), signInLimitPerMinute: config.signInLimitPerMinute }));
  await app.register(organisationRoutes(container));
  await app.register(outboxRoutes(container));
  await app.register(documentRoutes(container.documents));
  await app.register(orderRoutes(container.orders));
  await app.register(tariffRoutes(container.orders));
  await app.register(productionRulesRoutes(container.orders));
  await app.register(productionRoutes(container.production));
  await app.register(archiveRoutes(container.archive));
  await app.register(returnsRoutes({ ...container.returns, publicUrl: config.publicUrl }));
  await app.register(evidenceRoutes(container.eletters));
  await app.register(recipientRoutes({ ...container.eletters, secureCookies: config.publicUrl.startsWith('https:'), openLimitPerMinute: config.recipientOpenLimitPerMinute }));
  if (container.demoIdentityProvider) await app.register(demoIdentityProviderRoutes(container.demoIdentityProvider));
  await app.register(trackingRoutes({ db: container.db, webhooks: container.webhooks, onError: (err) => container.logger.error({ err }, 'tracking feed failed') }));
  for (const plugin of opts.plugins ?? []) await app.register(async (child) => plugin(child));

  const webDir = opts.webDir;
  const hasWeb = webDir !== undefined && fs.existsSync(path.join(webDir, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: ['index.html'], maxAge: '1h' });
  }
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '';
    // The single-page app owns every other GET that asks for a page.
    if (hasWeb && request.method === 'GET' && !pathname.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html')) {
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').sendFile('index.html');
    }
    return sendProblem(reply, request, problemFrom('not_found', message('not_found.route', { method: request.method, path: pathname })));
  });

  return app;
}
