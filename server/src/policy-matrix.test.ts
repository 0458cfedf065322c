import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '#domain/roles.js';
import { apiKeyFor, createTestApp, sendSimpleEletter, type TestApp } from '../test/helpers.js';
import type { UserPrincipal } from './platform/http/principal.js';

/**
 * Every route the app registers × every role: who may call it. A new route must be added here
 * with its roles (and the app refuses to start a route without a policy), so nothing ships open
 * by accident.
 */
const ALL = ROLES;
const STAFF: Role[] = ['provider_admin', 'operator', 'support_agent'];
const FLOOR: Role[] = ['provider_admin', 'operator'];
/** The archives are the client's own: provider staff keep them, never read them. */
const CLIENT: Role[] = ['client_admin', 'client_user'];
const RECIPIENT = 'recipient' as const;
const expected: Record<string, readonly Role[] | 'public' | 'recipient'> = {
  'GET /api/v1/me': ALL,
  'PATCH /api/v1/me': ALL,
  'POST /api/v1/me/password': ALL,
  'DELETE /api/v1/me/totp': ALL,
  'POST /api/v1/me/recovery-codes': ALL,
  'GET /api/v1/api-keys': ALL,
  'POST /api/v1/api-keys': ALL,
  'DELETE /api/v1/api-keys/:id': ALL,
  'POST /api/v1/session': 'public',
  'GET /api/v1/session': ALL,
  'DELETE /api/v1/session': ALL,
  'POST /api/v1/session/logout-everywhere': ALL,
  'POST /api/v1/session/totp': ALL,
  'POST /api/v1/session/totp/enrollment': ALL,
  'POST /api/v1/session/totp/enrollment/confirm': ALL,
  'GET /api/v1/activation/:token': 'public',
  'POST /api/v1/activation': 'public',
  'POST /api/v1/password-reset': 'public',
  'GET /api/v1/password-reset/:token': 'public',
  'POST /api/v1/password-reset/confirm': 'public',
  'GET /api/v1/organisations': STAFF,
  'POST /api/v1/organisations': ['provider_admin'],
  'GET /api/v1/organisations/:id': [...STAFF, 'client_admin'],
  'PATCH /api/v1/organisations/:id': ['provider_admin'],
  'POST /api/v1/organisations/:id/suspend': ['provider_admin'],
  'POST /api/v1/organisations/:id/reactivate': ['provider_admin'],
  'GET /api/v1/users': [...STAFF, 'client_admin'],
  'POST /api/v1/users': ['provider_admin', 'client_admin'],
  'GET /api/v1/users/:id': [...STAFF, 'client_admin'],
  'POST /api/v1/users/:id/deactivate': ['provider_admin', 'client_admin'],
  'POST /api/v1/users/:id/reactivate': ['provider_admin', 'client_admin'],
  'POST /api/v1/users/:id/resend-invitation': ['provider_admin', 'client_admin'],
  'POST /api/v1/organisations/:id/account-imports': ['provider_admin'],
  'GET /api/v1/organisations/:id/account-imports/:importId': ['provider_admin'],
  'POST /api/v1/organisations/:id/account-imports/:importId/apply': ['provider_admin'],
  'GET /api/v1/outbox': ['provider_admin'],
  'POST /api/v1/documents': ['client_admin', 'client_user'],
  'GET /api/v1/documents/:id': ALL,
  'GET /api/v1/documents/:id/content': ALL,
  'GET /api/v1/documents/:id/preview': ALL,
  'POST /api/v1/orders': ['client_admin', 'client_user'],
  'GET /api/v1/orders': ALL,
  'GET /api/v1/orders/:id': ALL,
  'PATCH /api/v1/orders/:id': ['client_admin', 'client_user'],
  'DELETE /api/v1/orders/:id': ['client_admin', 'client_user'],
  'POST /api/v1/orders/:id/submit': ['client_admin', 'client_user'],
  'POST /api/v1/orders/:id/cancel': ['client_admin', 'client_user'],
  'GET /api/v1/orders/:id/purchase-order': ALL,
  'GET /api/v1/mailpieces/:id': ALL,
  'GET /api/v1/tariffs': [...STAFF, 'client_admin'],
  'POST /api/v1/tariffs': ['provider_admin'],
  'GET /api/v1/production/rules': ALL,
  'POST /api/v1/production/rules': ['provider_admin'],
  'GET /api/v1/production/intake': FLOOR,
  'POST /api/v1/production/orders/:id/accept': FLOOR,
  'POST /api/v1/production/orders/:id/refuse': FLOOR,
  'GET /api/v1/production/batches': FLOOR,
  'POST /api/v1/production/batches/build': FLOOR,
  'GET /api/v1/production/batches/:id': FLOOR,
  'GET /api/v1/production/batches/:id/files/:sha256': FLOOR,
  'POST /api/v1/production/scan': FLOOR,
  'POST /api/v1/production/reprint': FLOOR,
  'GET /api/v1/production/settings': FLOOR,
  'PUT /api/v1/production/settings': ['provider_admin'],
  'GET /api/v1/production/registered-ranges': FLOOR,
  'POST /api/v1/production/registered-ranges': ['provider_admin'],
  'POST /api/v1/production/registered-ranges/:id/withdraw': ['provider_admin'],
  'GET /api/v1/orders/:id/deposit-slips': ALL,
  'GET /api/v1/events/stream': ALL,
  'GET /api/v1/me/notifications': ALL,
  'PUT /api/v1/me/notifications': ALL,
  'POST /api/v1/webhooks': ['client_admin'],
  'GET /api/v1/webhooks': ['client_admin'],
  'DELETE /api/v1/webhooks/:id': ['client_admin'],
  'GET /api/v1/webhooks/:id/deliveries': ['client_admin'],
  'POST /api/v1/webhooks/:id/deliveries/:delivery/retry': ['client_admin'],
  'GET /api/v1/orders/:id/deposit-slips/:batch': ALL,
  'GET /api/v1/outbox/:id': ['provider_admin'],
  'POST /api/v1/outbox/bounces': ['provider_admin'],
  'POST /api/v1/archive': CLIENT,
  'GET /api/v1/archive': CLIENT,
  'GET /api/v1/archive/options': CLIENT,
  'GET /api/v1/archive/:id': CLIENT,
  'PATCH /api/v1/archive/:id': CLIENT,
  'DELETE /api/v1/archive/:id': CLIENT,
  'GET /api/v1/archive/:id/content': CLIENT,
  'GET /api/v1/archive/:id/events': CLIENT,
  'GET /api/v1/archive/:id/preview': CLIENT,
  'GET /api/v1/archive/:id/proof': CLIENT,
  'GET /api/v1/archive/:id/certificate': CLIENT,
  'GET /api/v1/archive/:id/destruction-certificate': CLIENT,
  'POST /api/v1/archive/:id/retention': CLIENT,
  'POST /api/v1/archive/:id/reuse': CLIENT,
  'POST /api/v1/archive/:id/legal-hold': ['client_admin'],
  'DELETE /api/v1/archive/:id/legal-hold': ['client_admin'],
  'POST /api/v1/archive/:id/destruction/approve': ['client_admin'],
  // After the handover (M-6.a): the desk is the floor's; what came back is read by its client and staff.
  'GET /api/v1/tracking/mailpieces': ALL,
  'GET /api/v1/tracking/mailpieces/export': ALL,
  'GET /api/v1/returns/desk/lookup': FLOOR,
  'GET /api/v1/postal-tracking/chase': FLOOR,
  'GET /api/v1/returns/inbox': FLOOR,
  'GET /api/v1/returns/inbox/:name': FLOOR,
  'GET /api/v1/returns/desk/search': FLOOR,
  'POST /api/v1/returns': FLOOR,
  'GET /api/v1/returns': ALL,
  'GET /api/v1/returns/export': ALL,
  'GET /api/v1/returns/summary': ALL,
  'GET /api/v1/returns/:id': ALL,
  'GET /api/v1/returns/:id/scan': ALL,
  'POST /api/v1/mailpieces/:id/resend': CLIENT,
  'GET /api/v1/address-book/flags': CLIENT,
  'DELETE /api/v1/address-book/flags/:id': CLIENT,
  'GET /api/v1/mailpieces/:id/evidence': ALL,
  'GET /api/v1/evidence/:id': ALL,
  'GET /api/v1/evidence/:id/pdf': ALL,
  // E-letters' recipients: their own session, never a user's credentials (M-4.3).
  'POST /api/v1/recipient/sessions': 'public',
  'POST /api/v1/recipient/codes': 'public',
  'GET /api/v1/recipient/session': RECIPIENT,
  'DELETE /api/v1/recipient/session': RECIPIENT,
  'GET /api/v1/recipient/identity/start': RECIPIENT,
  'GET /api/v1/recipient/identity/callback': RECIPIENT,
  'POST /api/v1/recipient/text-code': RECIPIENT,
  'POST /api/v1/recipient/text-code/resend': RECIPIENT,
  'GET /api/v1/recipient/letter': RECIPIENT,
  'POST /api/v1/recipient/letter/accept': RECIPIENT,
  'POST /api/v1/recipient/letter/refuse': RECIPIENT,
  'GET /api/v1/recipient/letter/documents/:number': RECIPIENT,
};

function principal(role: Role): UserPrincipal {
  return {
    kind: 'user',
    userId: 'usr_00000000000000000000000000',
    email: 'someone@example.test',
    name: 'Someone',
    role,
    organisationId: 'org_00000000000000000000000000',
    organisationName: 'Somewhere',
    via: 'session',
    apiKeyId: null,
    stage: 'signed_in',
    sessionId: null,
    csrfToken: null,
  };
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('pglite', { seedDemo: false });
});
afterAll(() => t.close());

describe('the role matrix', () => {
  it('lists every registered /api/v1 route, and only those', () => {
    const registered = t.app.pliRoutes.map((r) => `${r.method} ${r.url}`).sort();
    expect(registered).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s', (route, allowed) => {
    const r = t.app.pliRoutes.find((x) => `${x.method} ${x.url}` === route)!;
    if (allowed === 'public' || allowed === RECIPIENT) {
      expect(r.policy).toBe(allowed);
      return;
    }
    expect(typeof r.policy).toBe('function');
    const policy = r.policy as (p: UserPrincipal) => boolean;
    const granted = ROLES.filter((role) => policy(principal(role)));
    expect(granted.sort()).toEqual([...allowed].sort());
  });

  it('a route without a policy stops the app from starting', async () => {
    const { buildApp } = await import('./app.js');
    await expect(
      buildApp(t.container, {
        logger: false,
        plugins: [
          (app) => {
            app.get('/api/v1/forgotten', async () => 'open');
          },
        ],
      }),
    ).rejects.toThrow('declares no policy');
  });
});

/**
 * The same matrix through HTTP: each route, as each role (a real API key of a seeded person),
 * sent through the whole request path. A role the matrix denies gets the policy's 403; a role it
 * allows never does (it may still meet a 400 or 404: no valid body or id is sent).
 */
describe('the role matrix, over HTTP', () => {
  const PEOPLE: Record<Role, string> = {
    provider_admin: 'admin@pli.test',
    operator: 'operator@pli.test',
    support_agent: 'support@pli.test',
    client_admin: 'admin@mairie-demo.test',
    client_user: 'user@mairie-demo.test',
  };
  // The live stream never ends for a caller it admits: only its refusals are sent.
  const ENDLESS = new Set(['GET /api/v1/events/stream']);
  let http: TestApp;
  const keys = {} as Record<Role, string>;
  beforeAll(async () => {
    http = await createTestApp('pglite');
    for (const role of ROLES) keys[role] = await apiKeyFor(http, PEOPLE[role]);
  });
  afterAll(() => http.close());

  const cases = Object.entries(expected)
    .filter(([, allowed]) => allowed !== 'public' && allowed !== RECIPIENT)
    .flatMap(([route, allowed]) => ROLES.map((role) => [route, role, (allowed as readonly Role[]).includes(role)] as const))
    .filter(([route, , allowed]) => !(allowed && ENDLESS.has(route)));

  it.each(cases)('%s as %s: allowed %s', async (route, role, allowed) => {
    const [method, pattern] = route.split(' ') as [string, string];
    const url = pattern.replace(/:[A-Za-z]+/g, 'x');
    const r = await http.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${keys[role]}`, 'accept-language': 'en' }, ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }) });
    const refusedByPolicy = r.statusCode === 403 && r.json().detail === 'Your role does not allow this action.';
    expect(r.statusCode, r.body).not.toBe(401);
    expect(refusedByPolicy, `${r.statusCode} ${r.body}`).toBe(!allowed);
  });
});

/**
 * The two kinds of principal never open each other's doors (M-4.3): a recipient's session — a
 * real one, opened with a real letter's link and code — is refused on every route that is not a
 * recipient's (the generated list of all of them), and users' credentials, every role's, are
 * refused on every recipient route.
 */
describe('recipients and users, kept apart', () => {
  let app: TestApp;
  let recipientCookie: string;
  let csrf: string;
  const keys = {} as Record<Role, string>;
  beforeAll(async () => {
    app = await createTestApp('pglite');
    for (const [role, email] of Object.entries({ provider_admin: 'admin@pli.test', operator: 'operator@pli.test', support_agent: 'support@pli.test', client_admin: 'admin@mairie-demo.test', client_user: 'user@mairie-demo.test' }) as Array<[Role, string]>) keys[role] = await apiKeyFor(app, email);
    const letter = await sendSimpleEletter(app, keys.client_user);
    const opened = await app.app.inject({ method: 'POST', url: '/api/v1/recipient/sessions', payload: { link: letter.link, code: letter.code } });
    expect(opened.statusCode, opened.body).toBe(201);
    recipientCookie = String([opened.headers['set-cookie']].flat()[0]).split(';')[0]!;
    csrf = opened.json().csrf_token;
    // The session works where it should.
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/recipient/letter', headers: { cookie: recipientCookie } })).statusCode).toBe(200);
  });
  afterAll(() => app.close());

  const notRecipients = Object.entries(expected).filter(([, allowed]) => allowed !== 'public' && allowed !== RECIPIENT).map(([route]) => route);
  it.each(notRecipients)('a recipient’s session on %s: refused', async (route) => {
    const [method, pattern] = route.split(' ') as [string, string];
    const url = pattern.replace(/:[A-Za-z]+/g, 'x');
    const r = await app.app.inject({ method: method as 'GET', url, headers: { cookie: recipientCookie, 'x-csrf-token': csrf, 'accept-language': 'en' }, ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }) });
    expect([401, 403], `${r.statusCode} ${r.body}`).toContain(r.statusCode);
  });

  const recipientRoutes = Object.entries(expected).filter(([, allowed]) => allowed === RECIPIENT).map(([route]) => route);
  it.each(recipientRoutes.flatMap((route) => ROLES.map((role) => [route, role] as const)))('%s with a %s’s API key: refused', async (route, role) => {
    const [method, pattern] = route.split(' ') as [string, string];
    const r = await app.app.inject({ method: method as 'GET', url: pattern.replace(/:[A-Za-z]+/g, '1'), headers: { authorization: `Bearer ${keys[role]}` }, ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }) });
    expect(r.statusCode, r.body).toBe(401);
  });
});
