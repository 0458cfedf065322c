import fs from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import OpenAPIBackend from 'openapi-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, createTestApp, FIXTURES, multipartFile, PAPER_OPTIONS, type TestApp } from '../test/helpers.js';

/**
 * Every answer an outside client can get is in the published document. Judged by validators
 * nobody here wrote: the OpenAPI 3.1 schema validator for the document itself, and
 * openapi-backend matching each real answer of an order's whole flow — refusals included — to
 * its operation, its documented status and that status's schema.
 */
let t: TestApp;
let api: InstanceType<typeof OpenAPIBackend>;
let doc: Record<string, unknown>;
const seen: string[] = [];

beforeAll(async () => {
  t = await createTestApp('pglite', { env: { PLI_RATE_LIMIT_PER_MINUTE: '100000' } });
  doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  // quick: the document itself is judged by the 3.1 validator below (openapi-backend's own checks 3.0 only).
  // OpenAPI 3.1 schemas are JSON Schema 2020-12 (tuples as prefixItems…): Ajv's 2020 dialect judges them.
  api = new OpenAPIBackend({
    definition: structuredClone(doc) as never,
    quick: true,
    validate: true,
    customizeAjv: (_ajv, opts) => addFormats.default(new Ajv2020({ ...opts, strict: false })) as never,
  });
  await api.init();
});
afterAll(() => t.close());

type Answer = { statusCode: number; headers: Record<string, unknown>; body: string; json(): unknown };

/** The answer must be documented for its operation and status, and match that status's schema. */
function conforms(method: string, url: string, r: Answer): void {
  const [pathname, search = ''] = url.split('?');
  const operation = api.matchOperation({ method, path: pathname!, headers: {}, query: Object.fromEntries(new URLSearchParams(search)) });
  expect(operation, `${method} ${pathname} is in the document`).toBeDefined();
  const documented = Object.keys(operation!.responses ?? {});
  expect(documented, `${method} ${pathname} answered ${r.statusCode}: ${r.body.slice(0, 200)}`).toContain(String(r.statusCode));
  if (String(r.headers['content-type'] ?? '').includes('json')) {
    const result = api.validateResponse(r.json(), operation!, r.statusCode);
    expect(result.errors ?? null, `${method} ${pathname} ${r.statusCode} matches its schema`).toBeNull();
  }
  seen.push(`${r.statusCode} ${method} ${operation!.path}`);
}

describe('the published OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(doc) as never);
    expect(result.errors ?? null).toBeNull();
    expect(result.valid).toBe(true);
  });

  it('documents every answer of an order’s whole flow, refusals included', async () => {
    const user = await apiKeyFor(t, 'user@mairie-demo.test');
    const operator = await apiKeyFor(t, 'operator@pli.test');
    const send = async (method: string, url: string, opts: { key?: string | null; payload?: unknown; headers?: Record<string, string> } = {}) => {
      const key = opts.key === undefined ? user : opts.key;
      const r = await t.app.inject({
        method: method as 'GET',
        url,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...opts.headers },
        ...(opts.payload === undefined ? {} : { payload: opts.payload as string }),
      });
      conforms(method, url, r);
      return r;
    };

    const letter = multipartFile('file', 'lettre-1-page.pdf', fs.readFileSync(path.join(FIXTURES, 'letters', 'lettre-1-page.pdf')), 'application/pdf');
    const uploaded = await send('POST', '/api/v1/documents', { payload: letter.payload, headers: letter.headers });
    const documentId = (uploaded.json() as { id: string }).id;
    const gif = multipartFile('file', 'scan.pdf', Buffer.from('GIF89a\x01\x00\x01\x00'), 'application/pdf');
    await send('POST', '/api/v1/documents', { payload: gif.payload, headers: gif.headers });
    // A body whose multipart boundary is not the one announced (it answered 500 before).
    await send('POST', '/api/v1/documents', { payload: gif.payload, headers: letter.headers });
    await send('GET', `/api/v1/documents/${documentId}`);
    await send('GET', '/api/v1/documents/doc_00000000000000000000000000');

    const body = { kind: 'paper', name: 'Contrat OpenAPI', address_source: 'document', documents: [documentId], options: PAPER_OPTIONS };
    const created = await send('POST', '/api/v1/orders', { payload: body, headers: { 'idempotency-key': 'contract-1' } });
    const id = (created.json() as { id: string }).id;
    await send('POST', '/api/v1/orders', { payload: body, headers: { 'idempotency-key': 'contract-1' } });
    await send('POST', '/api/v1/orders', { payload: { ...body, name: 'Autre' }, headers: { 'idempotency-key': 'contract-1' } });
    await send('POST', '/api/v1/orders', { payload: { ...body, options: { ...PAPER_OPTIONS, mail_class: 'express' } } });
    await send('POST', '/api/v1/orders', { payload: '{"kind": "paper",', headers: { 'content-type': 'application/json' } });
    await send('POST', '/api/v1/orders', { payload: 'name=x', headers: { 'content-type': 'text/plain' } });
    await send('GET', `/api/v1/orders/${id}`);
    await send('GET', '/api/v1/orders/not-an-id');
    await send('GET', '/api/v1/orders/ord_00000000000000000000000000');
    await send('GET', `/api/v1/orders/${id}`, { key: null });
    await send('GET', `/api/v1/orders/${id}`, { key: 'pli_notakey' });
    await send('GET', '/api/v1/orders?limit=2');
    await send('GET', '/api/v1/orders?limit=9999');
    await send('PATCH', `/api/v1/orders/${id}`, { payload: { name: 'Contrat OpenAPI (relu)' } });
    await send('POST', `/api/v1/orders/${id}/submit`, { key: operator });
    await send('POST', `/api/v1/orders/${id}/submit`);
    await send('POST', `/api/v1/orders/${id}/submit`);
    await send('PATCH', `/api/v1/orders/${id}`, { payload: { name: 'Trop tard' } });
    await send('GET', `/api/v1/orders/${id}/purchase-order`);
    await send('GET', `/api/v1/orders/${id}/deposit-slips`);
    await send('POST', `/api/v1/orders/${id}/cancel`);
    await send('POST', `/api/v1/orders/${id}/cancel`);

    // The flow met every kind of refusal the request path gives, each documented.
    const statuses = new Set(seen.map((s) => s.split(' ')[0]));
    for (const s of ['200', '201', '202', '400', '401', '403', '404', '409', '415', '422']) expect(statuses, `a ${s} was met`).toContain(s);
  });

  it('documents the rate limit on every route', async () => {
    const limited = await createTestApp('pglite', { env: { PLI_RATE_LIMIT_PER_MINUTE: '1' } });
    try {
      const key = await apiKeyFor(limited, 'user@mairie-demo.test');
      await limited.app.inject({ method: 'GET', url: '/api/v1/orders', headers: { authorization: `Bearer ${key}` } });
      const r = await limited.app.inject({ method: 'GET', url: '/api/v1/orders', headers: { authorization: `Bearer ${key}` } });
      expect(r.statusCode).toBe(429);
      conforms('GET', '/api/v1/orders', r);
    } finally {
      await limited.close();
    }
  });
});
