import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestApp, DEMO_PASSWORD, signIn, type Browser, type TestApp } from '../../../test/helpers.js';
import { fixedClock } from '../../platform/clock/clock.js';
import { inScope, systemScope } from '../../platform/db/scope.js';

/** Organisations, invitations, activation links, deactivation and password reset, through the API. */
describe.each(backends())('people and organisations on %s', (kind) => {
  let t: TestApp;
  let provider: Browser;
  let clientAdmin: Browser;
  const clock = fixedClock(new Date('2026-11-26T09:00:00Z'));

  /** The newest e-mail to someone, and the link in it. */
  async function lastMailTo(email: string): Promise<{ subject: string; text: string; link: string | undefined }> {
    const row = await inScope(t.container.db, systemScope, (tx) =>
      tx.selectFrom('outbox_messages').select(['subject', 'text_body']).where('to_address', '=', email).orderBy('id', 'desc').executeTakeFirstOrThrow(),
    );
    return { subject: row.subject, text: row.text_body, link: /https?:\/\/\S+\/(?:activate|reset-password)\/[A-Za-z0-9_-]+/.exec(row.text_body)?.[0] };
  }
  const tokenOf = (link: string | undefined) => link!.split('/').pop()!;

  async function promoteProviderAdmin(): Promise<Browser> {
    // The provider administrator's TOTP is covered in sessions.test.ts; here it is switched on directly.
    const { generateSync } = await import('otplib');
    const b = await signIn(t.app, 'admin@pli.test');
    const { secret } = (await t.app.inject({ method: 'POST', url: '/api/v1/session/totp/enrollment', headers: b.headers() })).json();
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/session/totp/enrollment/confirm', headers: b.headers(), payload: { code: generateSync({ secret, epoch: Math.floor(clock.now().getTime() / 1000) }) } });
    const cookie = String([r.headers['set-cookie']].flat()[0]).split(';')[0]!;
    const session = (await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } })).json();
    return { cookie, csrf: session.csrf_token, headers: () => ({ cookie, 'x-csrf-token': session.csrf_token }) };
  }

  beforeAll(async () => {
    t = await createTestApp(kind, { overrides: { clock } });
    provider = await promoteProviderAdmin();
    clientAdmin = await signIn(t.app, 'admin@mairie-demo.test');
  });
  afterAll(() => t.close());

  const contract = { starts_on: '2026-12-01', ends_on: '2029-11-30', onboarding_ends_on: '2027-02-28', options: { undelivered_mail: true, simple_archive: true, electronic_archive: false, user_assistance: false } };

  it('the provider administrator creates a client organisation with its contract, edits and suspends it', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/organisations', headers: provider.headers(), payload: { name: 'Mairie de Test-sur-Mer', contract } });
    expect(created.statusCode).toBe(201);
    const org = created.json();
    expect(org).toMatchObject({ name: 'Mairie de Test-sur-Mer', kind: 'client', status: 'active', user_count: 0, contract });

    const dup = await t.app.inject({ method: 'POST', url: '/api/v1/organisations', headers: provider.headers(), payload: { name: 'mairie de test-sur-mer', contract } });
    expect(dup.statusCode).toBe(409);
    const badDates = await t.app.inject({ method: 'POST', url: '/api/v1/organisations', headers: provider.headers(), payload: { name: 'Autre', contract: { ...contract, ends_on: '2020-01-01' } } });
    expect(badDates.statusCode).toBe(400);
    expect(badDates.json().errors[0].field).toBe('contract.ends_on');

    const edited = await t.app.inject({ method: 'PATCH', url: `/api/v1/organisations/${org.id}`, headers: provider.headers(), payload: { contract: { ...contract, options: { ...contract.options, electronic_archive: true } } } });
    expect(edited.json().contract.options.electronic_archive).toBe(true);

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/organisations?query=test-sur', headers: provider.headers() });
    expect(list.json().data.map((o: { id: string }) => o.id)).toEqual([org.id]);

    const suspended = await t.app.inject({ method: 'POST', url: `/api/v1/organisations/${org.id}/suspend`, headers: provider.headers() });
    expect(suspended.json().status).toBe('suspended');
    const back = await t.app.inject({ method: 'POST', url: `/api/v1/organisations/${org.id}/reactivate`, headers: provider.headers() });
    expect(back.json().status).toBe('active');
  });

  it('suspending an organisation signs its people out and keeps them out', async () => {
    const user = await signIn(t.app, 'user@mairie-demo.test');
    const demo = (await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: user.cookie } })).json().user.organisation.id;
    await t.app.inject({ method: 'POST', url: `/api/v1/organisations/${demo}/suspend`, headers: provider.headers() });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: user.cookie } })).statusCode).toBe(401);
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'user@mairie-demo.test', password: DEMO_PASSWORD } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toBe('L’accès de votre organisation à Pli est suspendu. Contactez le prestataire.');
    await t.app.inject({ method: 'POST', url: `/api/v1/organisations/${demo}/reactivate`, headers: provider.headers() });
    clientAdmin = await signIn(t.app, 'admin@mairie-demo.test');
  });

  it('a client administrator invites someone, who activates their account through the e-mailed link, once', async () => {
    const invited = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: clientAdmin.headers(), payload: { email: 'Nouvelle.Agente@Mairie-Demo.test', name: 'Nouvelle Agente', role: 'client_user' } });
    expect(invited.statusCode).toBe(201);
    expect(invited.json()).toMatchObject({ email: 'nouvelle.agente@mairie-demo.test', status: 'invited', role: 'client_user' });

    const mail = await lastMailTo('nouvelle.agente@mairie-demo.test');
    expect(mail.subject).toContain('Mairie de Démo');
    expect(mail.text).toContain('Identifiant : nouvelle.agente@mairie-demo.test');
    const token = tokenOf(mail.link);

    const info = await t.app.inject({ method: 'GET', url: `/api/v1/activation/${token}` });
    expect(info.json()).toMatchObject({ email: 'nouvelle.agente@mairie-demo.test', name: 'Nouvelle Agente' });
    const weak = await t.app.inject({ method: 'POST', url: '/api/v1/activation', payload: { token, password: 'short' } });
    expect(weak.statusCode).toBe(400);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/activation', payload: { token, password: 'une phrase de passe solide' } });
    expect(ok.statusCode).toBe(204);
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/activation', payload: { token, password: 'une autre phrase de passe' } });
    expect(again.statusCode).toBe(410);
    expect(again.json().code).toBe('token_used');
    expect((await signIn(t.app, 'nouvelle.agente@mairie-demo.test', 'une phrase de passe solide')).stage).toBe('signed_in');
  });

  it('a client administrator cannot give a provider role nor reach another organisation', async () => {
    const provRole = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: clientAdmin.headers(), payload: { email: 'x@mairie-demo.test', name: 'X', role: 'operator' } });
    expect(provRole.statusCode).toBe(403);
    expect(provRole.json().detail).toContain('que des rôles clients');
    const other = (await t.app.inject({ method: 'GET', url: '/api/v1/organisations?query=Test-sur-Mer', headers: provider.headers() })).json().data[0].id;
    const elsewhere = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: clientAdmin.headers(), payload: { organisation_id: other, email: 'y@ailleurs.test', name: 'Y', role: 'client_user' } });
    expect(elsewhere.statusCode).toBe(404);
    const taken = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: clientAdmin.headers(), payload: { email: 'operator@pli.test', name: 'Z', role: 'client_user' } });
    expect(taken.statusCode).toBe(409);
    const listOther = await t.app.inject({ method: 'GET', url: `/api/v1/users?organisation=${other}`, headers: clientAdmin.headers() });
    expect(listOther.statusCode).toBe(404);
  });

  it('deactivating someone ends their session at once; reactivating lets them back in', async () => {
    const user = await signIn(t.app, 'nouvelle.agente@mairie-demo.test', 'une phrase de passe solide');
    const id = (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: user.cookie } })).json().id;
    const off = await t.app.inject({ method: 'POST', url: `/api/v1/users/${id}/deactivate`, headers: clientAdmin.headers() });
    expect(off.json().status).toBe('deactivated');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: user.cookie } })).statusCode).toBe(401);
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'nouvelle.agente@mairie-demo.test', password: 'une phrase de passe solide' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('account_disabled');
    const on = await t.app.inject({ method: 'POST', url: `/api/v1/users/${id}/reactivate`, headers: clientAdmin.headers() });
    expect(on.json().status).toBe('active');
    expect((await signIn(t.app, 'nouvelle.agente@mairie-demo.test', 'une phrase de passe solide')).stage).toBe('signed_in');
    const self = (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: clientAdmin.cookie } })).json().id;
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/users/${self}/deactivate`, headers: clientAdmin.headers() })).statusCode).toBe(422);
  });

  it('a forgotten password is reset through a single-use e-mailed link, for existing accounts only', async () => {
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/password-reset', payload: { email: 'personne@nulle-part.test' } });
    const known = await t.app.inject({ method: 'POST', url: '/api/v1/password-reset', payload: { email: 'user@mairie-demo.test' } });
    expect(unknown.statusCode).toBe(202);
    expect(known.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    const old = await signIn(t.app, 'user@mairie-demo.test');
    const token = tokenOf((await lastMailTo('user@mairie-demo.test')).link);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/password-reset/confirm', payload: { token, password: 'mon nouveau mot de passe' } })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: old.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/password-reset/confirm', payload: { token, password: 'encore un autre essai' } })).statusCode).toBe(410);
    expect((await signIn(t.app, 'user@mairie-demo.test', 'mon nouveau mot de passe')).stage).toBe('signed_in');
  });

  it('every change is in the audit trail', async () => {
    const actions = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('audit_events').select('action').execute());
    const names = new Set(actions.map((a) => a.action));
    for (const a of ['organisation.created', 'organisation.updated', 'organisation.suspended', 'user.invited', 'account.activated', 'user.deactivated', 'user.reactivated', 'password.reset', 'sign_in', 'totp.enabled']) {
      expect(names, a).toContain(a);
    }
  });
  it('an activation link expires after 7 days', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: clientAdmin.headers(), payload: { email: 'tardif@mairie-demo.test', name: 'Agent Tardif', role: 'client_user' } });
    const token = tokenOf((await lastMailTo('tardif@mairie-demo.test')).link);
    clock.advance(7 * 24 * 3600_000 + 60_000);
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/activation', payload: { token, password: 'une phrase de passe solide' } });
    expect(r.statusCode).toBe(410);
    expect(r.json().code).toBe('token_expired');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/activation/not-a-token-at-all' })).statusCode).toBe(404);
  });

});
