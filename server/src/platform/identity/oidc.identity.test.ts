import http from 'node:http';
import type net from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeDemoLogin, type DemoLoginIdentity } from '../../../test/oidc-login.js';
import { createDemoIdentityProvider, demoIdentityProviderRoutes, type DemoIdentityProvider } from './demo-idp.js';
import { IdentityCheckFailed, type IdentityCheckFailure, type IdentityProvider } from './identity.port.js';
import { createOidcIdentityProvider } from './oidc.identity.js';

const CLIENT = { client_id: 'pli', client_secret: 'demo-client-secret-for-tests' };
const MARIE: DemoLoginIdentity = { givenName: 'Marie-Noëlle', familyName: "D'Aubigné", birthdate: '1984-03-07' };

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

async function refusal(promise: Promise<unknown>): Promise<IdentityCheckFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IdentityCheckFailed);
  return (err as IdentityCheckFailed).reason;
}

/** The cookies a response sets, as a request's Cookie header. */
function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

describe('OIDC identity check against the demo provider, mounted under /demo-idp in a plain node:http server', () => {
  let server: http.Server;
  let idp: DemoIdentityProvider;
  let issuer: string;
  let redirectUri: string;
  let identity: IdentityProvider;

  beforeAll(async () => {
    let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
    server = http.createServer((req, res) => handler(req, res));
    const origin = await listen(server);
    issuer = `${origin}/demo-idp`;
    redirectUri = `${origin}/identity/callback`;
    idp = await createDemoIdentityProvider({ issuer, clients: [{ ...CLIENT, redirect_uris: [redirectUri] }] });
    handler = (req, res) => idp.handler(req, res);
    identity = createOidcIdentityProvider({
      issuer,
      clientId: CLIENT.client_id,
      clientSecret: CLIENT.client_secret,
      acrValues: 'eidas2',
      allowInsecureHttp: true,
    });
  });

  afterAll(async () => {
    await idp.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function login(person = MARIE, opts: { cancel?: boolean } = {}) {
    const { url, check } = await identity.start(redirectUri);
    const callback = await completeDemoLogin(url, person, opts);
    return { url, check, callback };
  }

  it('publishes its metadata under the mount path, with public keys only', async () => {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as Record<string, unknown>;
    expect(meta).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/me`,
      jwks_uri: `${issuer}/jwks`,
      code_challenge_methods_supported: ['S256'],
      acr_values_supported: ['eidas2'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'birthdate']));
    const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    // Nothing outside the prefix is the provider's.
    expect((await fetch(new URL('/.well-known/openid-configuration', issuer))).status).toBe(404);
  });

  it('runs the whole code flow: start, the login form, finish with the typed identity', async () => {
    const { url, check, callback } = await login({ ...MARIE, email: 'marie@example.test' });

    const authorization = new URL(url);
    expect(`${authorization.origin}${authorization.pathname}`).toBe(`${issuer}/auth`);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: CLIENT.client_id,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid profile email birthdate',
      state: check.state,
      nonce: check.nonce,
      code_challenge_method: 'S256',
      acr_values: 'eidas2',
      prompt: 'login',
    });
    expect(url).not.toContain(check.codeVerifier);

    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    expect(callback.searchParams.get('state')).toBe(check.state);
    expect(callback.searchParams.get('iss')).toBe(issuer);
    expect(callback.searchParams.get('code')).toBeTruthy();

    const verified = await identity.finish(callback, check, redirectUri);
    expect(verified).toEqual({
      issuer,
      subject: expect.stringMatching(/^[0-9a-f]{64}$/),
      givenName: 'Marie-Noëlle',
      familyName: "D'Aubigné",
      birthdate: '1984-03-07',
      email: 'marie@example.test',
      acr: 'eidas2',
    });
  });

  it('gives the same person the same subject, and another person another', async () => {
    const first = await login();
    const a = await identity.finish(first.callback, first.check, redirectUri);
    const again = await login({ givenName: '  marie-noëlle ', familyName: "D'AUBIGNÉ", birthdate: '1984-03-07' });
    const b = await identity.finish(again.callback, again.check, redirectUri);
    const other = await login({ ...MARIE, birthdate: '1984-03-08' });
    const c = await identity.finish(other.callback, other.check, redirectUri);
    expect(b.subject).toBe(a.subject);
    expect(c.subject).not.toBe(a.subject);
    expect(a.email).toBeNull();
  });

  it('refuses a callback whose state is not the check’s', async () => {
    const { check, callback } = await login();
    const forged = new URL(callback);
    forged.searchParams.set('state', `${check.state}x`);
    expect(await refusal(identity.finish(forged, check, redirectUri))).toBe('state_mismatch');
    forged.searchParams.delete('state');
    expect(await refusal(identity.finish(forged, check, redirectUri))).toBe('state_mismatch');
    // Neither attempt spent the code.
    await expect(identity.finish(callback, check, redirectUri)).resolves.toMatchObject({ familyName: "D'Aubigné" });
  });

  it('uses a code once', async () => {
    const { check, callback } = await login();
    await identity.finish(callback, check, redirectUri);
    expect(await refusal(identity.finish(callback, check, redirectUri))).toBe('code_rejected');
  });

  it('refuses a code redeemed with another check’s verifier or nonce', async () => {
    const other = await identity.start(redirectUri);
    const first = await login();
    expect(await refusal(identity.finish(first.callback, { ...first.check, codeVerifier: other.check.codeVerifier }, redirectUri))).toBe(
      'code_rejected',
    );
    const second = await login();
    expect(await refusal(identity.finish(second.callback, { ...second.check, nonce: other.check.nonce }, redirectUri))).toBe('invalid_token');
  });

  it('reports the person’s refusal at the provider as a provider error', async () => {
    const { check, callback } = await login(MARIE, { cancel: true });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.has('code')).toBe(false);
    const err = await identity.finish(callback, check, redirectUri).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdentityCheckFailed);
    expect((err as IdentityCheckFailed).reason).toBe('provider_error');
    expect((err as IdentityCheckFailed).message).toContain('access_denied');
  });

  it('serves an accessible bilingual login form without scripts or styles, and sends it back with what is wrong', async () => {
    const { url } = await identity.start(redirectUri);
    const authorize = await fetch(url, { redirect: 'manual' });
    expect(authorize.status).toBe(303);
    const interaction = new URL(authorize.headers.get('location') ?? '', url);
    expect(interaction.pathname).toMatch(/^\/demo-idp\/interaction\/[\w-]+$/);
    const cookie = cookiesOf(authorize);

    const page = await fetch(interaction, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain(`action="${interaction.pathname}"`);
    for (const [id, label] of [
      ['given_name', 'Prénom(s) / Given name(s)'],
      ['family_name', 'Nom de famille / Family name'],
      ['birthdate', 'Date de naissance / Date of birth'],
      ['email', 'Adresse électronique (facultative) / Email address (optional)'],
    ]) {
      expect(html).toContain(`<label for="${id}">${label}</label>`);
      expect(html).toMatch(new RegExp(`<input id="${id}" name="${id}"`));
    }
    expect(html).toMatch(/<input id="birthdate" name="birthdate" type="date"/);
    expect(html).toMatch(/<button type="submit"[^>]*>Continuer \/ Continue<\/button>/);
    expect(html).not.toMatch(/<script|<style|style=/i);

    const wrong = new URLSearchParams({ given_name: '<b>Marie</b>', family_name: 'Dupont', birthdate: '2999-01-01', choice: 'continue' });
    const post = { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' } as const;
    const again = await fetch(interaction, { ...post, body: wrong });
    expect(again.status).toBe(400);
    const retry = await again.text();
    expect(retry).toContain('role="alert"');
    expect(retry).toMatch(/id="birthdate"[^>]*aria-invalid="true" aria-describedby="birthdate-error"/);
    expect(retry).toContain('value="&#60;b&#62;Marie&#60;/b&#62;"');
    expect(retry).not.toContain('<b>Marie');

    // The same interaction goes on once the form is right.
    wrong.set('birthdate', '1990-12-31');
    const done = await fetch(interaction, { ...post, body: wrong });
    expect(done.status).toBe(303);
    expect(new URL(done.headers.get('location') ?? '', interaction).pathname).toMatch(/^\/demo-idp\/auth\/[\w-]+$/);
  });

  it('answers an interaction without its cookie with a page saying to start again', async () => {
    const res = await fetch(`${issuer}/interaction/not-a-real-one`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('start again');
  });
});

describe('the demo provider mounted in Fastify by demoIdentityProviderRoutes', () => {
  let server: http.Server;
  let app: FastifyInstance | undefined;
  let idp: DemoIdentityProvider;

  afterAll(async () => {
    await app?.close();
    await idp?.close();
    // Listened by the test, not by Fastify: closed here, keep-alive connections first.
    server?.closeAllConnections();
    if (server?.listening) await new Promise((resolve) => server.close(resolve));
  });

  it('runs the flow through a Fastify app that parses JSON and sets security headers on every reply', async () => {
    const fastify = Fastify({
      serverFactory: (handler) => {
        server = http.createServer(handler);
        return server;
      },
    });
    app = fastify;
    const origin = await listen(server);
    const issuer = `${origin}/demo-idp`;
    const redirectUri = `${origin}/identity/callback`;
    idp = await createDemoIdentityProvider({ issuer, clients: [{ ...CLIENT, redirect_uris: [redirectUri] }] });
    const csp = "default-src 'self'; form-action 'self'; frame-ancestors 'none'";
    fastify.addHook('onRequest', async (_request, reply) => {
      reply.header('content-security-policy', csp);
    });
    fastify.post('/api/echo', async (request) => request.body);
    await fastify.register(demoIdentityProviderRoutes(idp));
    await fastify.ready();

    const identity = createOidcIdentityProvider({ issuer, clientId: CLIENT.client_id, clientSecret: CLIENT.client_secret, allowInsecureHttp: true });
    const { url, check } = await identity.start(redirectUri);
    const authorize = await fetch(url, { redirect: 'manual' });
    const page = await fetch(new URL(authorize.headers.get('location') ?? '', url), { headers: { cookie: cookiesOf(authorize) } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(csp);

    const callback = await completeDemoLogin(url, MARIE);
    await expect(identity.finish(callback, check, redirectUri)).resolves.toMatchObject({ issuer, givenName: 'Marie-Noëlle', acr: 'eidas2' });

    // The rest of the app still parses its bodies.
    const echo = await fetch(`${origin}/api/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await echo.json()).toEqual({ a: 1 });
  });
});
