import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, createTestApp, type TestApp } from '../test/helpers.js';

/** The API's foundations as an outside client meets them (api.md conventions). */
let t: TestApp;
let key: string;

beforeAll(async () => {
  t = await createTestApp('pglite', { env: { PLI_BODY_LIMIT_BYTES: '4096', PLI_RATE_LIMIT_PER_MINUTE: '1000' } });
  key = await apiKeyFor(t, 'user@mairie-demo.test');
});
afterAll(() => t.close());

const auth = () => ({ authorization: `Bearer ${key}` });

describe('health, OpenAPI and docs', () => {
  it('answers /api/health once the database answers', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok' });
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/v1/me', '/api/v1/api-keys', '/api/v1/api-keys/{id}']));
    expect(doc.paths['/api/v1/me'].get.responses['200']).toBeDefined();
    expect(doc.paths['/api/v1/me'].get.responses['401']).toBeDefined();
  });

  it('serves interactive docs at /api/docs', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('authentication by API key', () => {
  it('GET /api/v1/me tells who the key acts as', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: auth() });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ email: 'user@mairie-demo.test', role: 'client_user', organisation: { name: 'Mairie de Démo' } });
  });

  it.each([
    ['no credentials', undefined],
    ['a wrong key', 'Bearer pli_00000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a malformed key', 'Bearer not-a-key'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
  ])('answers 401 problem+json to %s', async (_label, header) => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: header ? { authorization: header } : {} });
    expect(r.statusCode).toBe(401);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.json()).toMatchObject({ status: 401, title: 'Connexion nécessaire', type: expect.any(String), detail: expect.any(String) });
  });

  it('a key with the right id but a wrong secret is refused', async () => {
    const forged = `${key.slice(0, key.lastIndexOf('_') + 1)}${'A'.repeat(43)}`;
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${forged}` } });
    expect(r.statusCode).toBe(401);
  });
});

describe('bad input gets problem+json with the right status, never a stack trace', () => {
  const post = (payload: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/api-keys', payload, headers: { ...auth(), 'content-type': 'application/json', ...headers } });

  it('malformed JSON → 400', async () => {
    const r = await post('{"name": ');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'bad_request', detail: 'Le corps de la requête n’est pas du JSON valide.' });
  });

  it('wrong types → 400 with the field named', async () => {
    const r = await post(JSON.stringify({ name: 42 }));
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'name', message: expect.any(String) }] });
  });

  it('unknown fields → 400 naming them', async () => {
    const r = await post(JSON.stringify({ name: 'ok', admin: true }));
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toEqual([{ field: 'admin', message: 'n’est pas un champ connu' }]);
  });

  it('missing fields → 400', async () => {
    const r = await post('{}');
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0].field).toBe('name');
  });

  it('oversized body → 413', async () => {
    const r = await post(JSON.stringify({ name: 'x'.repeat(10_000) }));
    expect(r.statusCode).toBe(413);
    expect(r.json()).toMatchObject({ code: 'payload_too_large' });
  });

  it('unsupported content type → 415', async () => {
    const r = await post('name=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.statusCode).toBe(415);
    expect(r.headers['content-type']).toMatch(/problem\+json/);
  });

  it('bad query parameters → 400', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/api-keys?limit=5000', headers: auth() });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0].field).toBe('querystring.limit');
  });

  it('an unknown API path → 404 problem+json', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: auth() });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: 'not_found' });
  });

  it('no answer carries a stack trace', async () => {
    for (const payload of ['{', '[]', 'null', '"x"', JSON.stringify({ name: { $gt: '' } })]) {
      const r = await post(payload);
      expect(r.statusCode).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
      expect(r.body).not.toMatch(/\bat .+\.(ts|js):\d+/);
    }
  });
});

describe('platform headers', () => {
  it('sends a strict content security policy and other security headers', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('gives every response a request id, and keeps the caller’s', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/health', headers: { 'x-request-id': 'abc-123' } });
    expect(r.headers['x-request-id']).toBe('abc-123');
    const p = await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(p.json().request_id).toBe(p.headers['x-request-id']);
  });

  it('exposes Prometheus metrics with per-route request durations', async () => {
    await t.app.inject({ method: 'GET', url: '/api/health' });
    const r = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('pli_http_request_duration_seconds_count{method="GET",route="/api/health",status="200"}');
    expect(r.body).toContain('pli_process_cpu_user_seconds_total');
  });

  it('without a metrics token, metrics answer only a scraper on this machine, not one from outside or through a proxy', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.5' })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.5' } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::1' })).statusCode).toBe(200);
  });
});

describe('metrics with PLI_METRICS_TOKEN', () => {
  let guarded: TestApp;
  beforeAll(async () => {
    guarded = await createTestApp('pglite', { env: { PLI_METRICS_TOKEN: 'scrape-me-0123456789' } });
  });
  afterAll(() => guarded.close());

  it('want the token from everyone, loopback included', async () => {
    const get = (authorization?: string) => guarded.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.5', headers: authorization ? { authorization } : {} });
    expect((await get()).statusCode).toBe(401);
    expect((await get('Bearer scrape-me-012345678')).statusCode).toBe(401);
    expect((await get('Bearer scrape-me-0123456789')).statusCode).toBe(200);
    expect((await guarded.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
  });
});

describe('rate limits', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp('pglite', { env: { PLI_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => limited.close());

  it('answers 429 problem+json with Retry-After past the limit', async () => {
    const codes: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await limited.app.inject({ method: 'GET', url: '/api/health' });
      codes.push(last.statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    expect(last!.headers['content-type']).toMatch(/problem\+json/);
    expect(last!.headers['retry-after']).toBeDefined();
    expect(last!.json()).toMatchObject({ code: 'rate_limited', status: 429 });
  });
});
