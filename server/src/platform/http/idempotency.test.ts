import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, backends, createTestApp, type TestApp } from '../../../test/helpers.js';
import { AppError } from '../../errors.js';
import { requirePrincipal } from './auth.js';

/** The Idempotency-Key plugin, exercised through a throwaway route that counts what it creates. */
describe.each(backends())('Idempotency-Key on %s', (kind) => {
  let t: TestApp;
  let calls = 0;
  let userKey: string;
  let adminKey: string;

  const route = (app: FastifyInstance) => {
    app.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/test-things',
      { config: { policy: () => true, idempotent: true }, schema: { body: z.object({ n: z.number() }) } },
      async (request, reply) => {
        calls += 1;
        // A refusal, as a use case gives one (problem+json, like every refusal the document lists).
        if (request.body.n < 0) throw new AppError('business_rule', 'people.not_yourself');
        if (request.body.n === 500) throw new Error('boom');
        return reply.code(201).send({ thing: calls, by: requirePrincipal(request).email });
      },
    );
  };

  beforeAll(async () => {
    t = await createTestApp(kind, { app: { plugins: [route] } });
    userKey = await apiKeyFor(t, 'user@mairie-demo.test');
    adminKey = await apiKeyFor(t, 'admin@mairie-demo.test');
  });
  afterAll(() => t.close());

  const send = (body: unknown, idem?: string, k = userKey) =>
    t.app.inject({ method: 'POST', url: '/api/v1/test-things', payload: body as object, headers: { authorization: `Bearer ${k}`, ...(idem ? { 'idempotency-key': idem } : {}) } });

  it('the same key and body return the first response and create nothing new', async () => {
    const before = calls;
    const first = await send({ n: 1 }, 'double-click-1');
    const second = await send({ n: 1 }, 'double-click-1');
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(calls - before).toBe(1);
  });

  it('the same key with another body is refused', async () => {
    await send({ n: 2 }, 'reused');
    const r = await send({ n: 3 }, 'reused');
    expect(r.statusCode).toBe(422);
    expect(r.json().code).toBe('idempotency_key_reused');
  });

  it('keys belong to their caller: another user with the same key gets their own result', async () => {
    const a = await send({ n: 4 }, 'shared-key');
    const b = await send({ n: 4 }, 'shared-key', adminKey);
    expect(b.json().by).toBe('admin@mairie-demo.test');
    expect(b.json().thing).not.toBe(a.json().thing);
  });

  it('replays a refusal too, but a server error frees the key for a real retry', async () => {
    const before = calls;
    expect((await send({ n: -1 }, 'refused')).statusCode).toBe(422);
    expect((await send({ n: -1 }, 'refused')).statusCode).toBe(422);
    expect(calls - before).toBe(1);
    expect((await send({ n: 500 }, 'crash')).statusCode).toBe(500);
    expect((await send({ n: 500 }, 'crash')).statusCode).toBe(500);
    expect(calls - before).toBe(3);
  });

  it('without the header every request runs', async () => {
    const before = calls;
    await send({ n: 5 });
    await send({ n: 5 });
    expect(calls - before).toBe(2);
  });

  it('a key over 255 characters is refused', async () => {
    const r = await send({ n: 6 }, 'x'.repeat(256));
    expect(r.statusCode).toBe(400);
  });
});
