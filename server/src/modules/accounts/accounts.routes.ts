import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiKeySchema, createApiKeyBody, createdApiKeySchema, meResponse } from '#contracts/accounts.js';
import { idOf } from '#contracts/common.js';
import { requirePrincipal } from '../../platform/http/auth.js';
import { pageQuery, pageSchema, toPage } from '../../platform/http/pagination.js';
import { problemResponses } from '../../platform/http/openapi.js';
import type { ApiKeyDeps } from './api-keys.js';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.js';
import { accountsPolicy } from './accounts.policy.js';
import { presentApiKey, presentMe } from './accounts.presenter.js';

export function accountsRoutes(deps: ApiKeyDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/v1/me',
      {
        config: { policy: accountsPolicy.self },
        schema: { tags: ['accounts'], summary: 'Who is calling', response: { 200: meResponse, ...problemResponses(401) } },
      },
      async (request) => presentMe(requirePrincipal(request)),
    );

    app.get(
      '/api/v1/api-keys',
      {
        config: { policy: accountsPolicy.self },
        schema: { tags: ['accounts'], summary: "The caller's API keys", querystring: pageQuery, response: { 200: pageSchema(apiKeySchema), ...problemResponses(400, 401) } },
      },
      async (request) => {
        const rows = await listApiKeys(deps, requirePrincipal(request), request.query);
        const page = toPage(rows, request.query.limit);
        return { data: page.data.map(presentApiKey), next_cursor: page.next_cursor };
      },
    );

    app.post(
      '/api/v1/api-keys',
      {
        config: { policy: accountsPolicy.self },
        schema: {
          tags: ['accounts'],
          summary: 'Create an API key (the secret is shown once)',
          body: createApiKeyBody,
          response: { 201: createdApiKeySchema, ...problemResponses(400, 401) },
        },
      },
      async (request, reply) => {
        const key = await createApiKey(deps, requirePrincipal(request), request.body.name);
        return reply.code(201).send({ ...presentApiKey(key), key: key.key });
      },
    );

    app.delete(
      '/api/v1/api-keys/:id',
      {
        config: { policy: accountsPolicy.self },
        schema: { tags: ['accounts'], summary: 'Revoke one of your API keys', params: z.object({ id: idOf('key') }), response: { 204: z.null(), ...problemResponses(401, 404) } },
      },
      async (request, reply) => {
        await revokeApiKey(deps, requirePrincipal(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
