import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, cookieFrom, createTestApp, DEMO_PASSWORD, signIn, type TestApp } from '../../../test/helpers.js';
import { fixedClock } from '../../platform/clock/clock.js';
import { inScope, systemScope } from '../../platform/db/scope.js';

/** Signing in as a person does it: password, lockout, second factor, CSRF, sign-out. */
describe.each(backends())('sessions on %s', (kind) => {
  let t: TestApp;
  const clock = fixedClock(new Date('2026-11-26T09:00:00Z'));
  const code = (secret: string) => generateSync({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });

  beforeAll(async () => {
    t = await createTestApp(kind, { overrides: { clock } });
  });
  afterAll(() => t.close());

  it('a client signs in with a password: an HttpOnly, SameSite=Lax cookie and a CSRF token', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'User@Mairie-Demo.test', password: DEMO_PASSWORD } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ stage: 'signed_in', user: { email: 'user@mairie-demo.test', role: 'client_user', organisation: { name: 'Mairie de Démo', kind: 'client' } } });
    const setCookie = String(r.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: cookieFrom(r.headers['set-cookie']) } });
    expect(me.json().email).toBe('user@mairie-demo.test');
  });

  it('a cookie-authenticated write without the CSRF token is refused', async () => {
    const b = await signIn(t.app, 'user@mairie-demo.test');
    const without = await t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { cookie: b.cookie }, payload: { name: 'x' } });
    expect(without.statusCode).toBe(403);
    expect(without.json().code).toBe('csrf_failed');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { cookie: b.cookie, 'x-csrf-token': 'nope' }, payload: { name: 'x' } });
    expect(wrong.statusCode).toBe(403);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: b.headers(), payload: { name: 'x' } });
    expect(ok.statusCode).toBe(201);
  });

  it('a wrong password is refused without saying whether the account exists', async () => {
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'user@mairie-demo.test', password: 'not-the-password' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'nobody@mairie-demo.test', password: 'not-the-password' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
    expect(wrong.json().code).toBe('invalid_credentials');
  });

  it('five wrong passwords lock the account for 15 minutes, even against the right one', async () => {
    const attempt = (password: string) => t.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: `10.0.0.${Math.floor(Math.random() * 200)}`, payload: { email: 'admin@mairie-demo.test', password } });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await attempt('wrong-password')).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 429]);
    const locked = await attempt(DEMO_PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'account_locked', locked_until: expect.any(String) });
    clock.advance(16 * 60_000);
    expect((await attempt(DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('the sign-in route slows down one address trying too often', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      codes.push((await t.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '192.0.2.77', payload: { email: `guess${i}@x.test`, password: 'x' } })).statusCode);
    }
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes.slice(10)).toEqual([429, 429]);
  });

  it('provider staff must enrol an authenticator at first sign-in; then the code is asked every time', async () => {
    const first = await signIn(t.app, 'operator@pli.test');
    expect(first.stage).toBe('totp_enrollment');
    // Nothing else is reachable before the second factor.
    const blocked = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: first.headers() });
    expect(blocked.statusCode).toBe(401);
    expect(blocked.json().code).toBe('second_factor_required');

    const enrol = await t.app.inject({ method: 'POST', url: '/api/v1/session/totp/enrollment', headers: first.headers() });
    expect(enrol.statusCode).toBe(200);
    const { secret, otpauth_url, qr_svg } = enrol.json();
    expect(otpauth_url).toMatch(/^otpauth:\/\/totp\/Pli:operator%40pli\.test\?/);
    expect(qr_svg).toMatch(/^<svg/);

    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/session/totp/enrollment/confirm', headers: first.headers(), payload: { code: '000000' } });
    expect(bad.statusCode).toBe(401);
    const confirm = await t.app.inject({ method: 'POST', url: '/api/v1/session/totp/enrollment/confirm', headers: first.headers(), payload: { code: code(secret) } });
    expect(confirm.statusCode).toBe(200);
    const recovery: string[] = confirm.json().recovery_codes;
    expect(recovery).toHaveLength(10);
    // A fresh session replaces the pending one (no fixation); the old cookie is dead.
    const promoted = cookieFrom(confirm.headers['set-cookie']);
    expect(promoted).not.toBe(first.cookie);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: first.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: promoted } })).json().role).toBe('operator');

    // The stored secret is encrypted at rest.
    const row = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('users').select('totp_secret').where('email', '=', 'operator@pli.test').executeTakeFirstOrThrow());
    expect(row.totp_secret).not.toContain(secret);

    clock.advance(30_000); // the next code
    const again = await signIn(t.app, 'operator@pli.test');
    expect(again.stage).toBe('totp_required');
    const wrongCode = await t.app.inject({ method: 'POST', url: '/api/v1/session/totp', headers: again.headers(), payload: { code: '123456' } });
    expect(wrongCode.json().code).toBe('totp_invalid');
    const withCode = await t.app.inject({ method: 'POST', url: '/api/v1/session/totp', headers: again.headers(), payload: { code: code(secret) } });
    expect(withCode.statusCode).toBe(200);
    expect(withCode.json().stage).toBe('signed_in');
    // The same code a second time is refused: it may have been seen.
    const replay = await signIn(t.app, 'operator@pli.test');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/session/totp', headers: replay.headers(), payload: { code: code(secret) } })).json().code).toBe('totp_invalid');

    // A recovery code works once.
    const lost = await signIn(t.app, 'operator@pli.test');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/session/totp', headers: lost.headers(), payload: { code: recovery[0]! } })).statusCode).toBe(200);
    const lostAgain = await signIn(t.app, 'operator@pli.test');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/session/totp', headers: lostAgain.headers(), payload: { code: recovery[0]! } })).statusCode).toBe(401);

    // Staff cannot turn it off.
    const signedIn = { cookie: cookieFrom(withCode.headers['set-cookie']), csrf: withCode.json().csrf_token };
    const off = await t.app.inject({ method: 'DELETE', url: '/api/v1/me/totp', headers: { cookie: signedIn.cookie, 'x-csrf-token': signedIn.csrf }, payload: { password: DEMO_PASSWORD } });
    expect(off.statusCode).toBe(403);
  });

  it('clients may turn two-factor sign-in on and off', async () => {
    const b = await signIn(t.app, 'user@mairie-demo.test');
    const { secret } = (await t.app.inject({ method: 'POST', url: '/api/v1/session/totp/enrollment', headers: b.headers() })).json();
    const confirm = await t.app.inject({ method: 'POST', url: '/api/v1/session/totp/enrollment/confirm', headers: b.headers(), payload: { code: code(secret) } });
    expect(confirm.statusCode).toBe(200);
    expect((await signIn(t.app, 'user@mairie-demo.test')).stage).toBe('totp_required');
    const off = await t.app.inject({ method: 'DELETE', url: '/api/v1/me/totp', headers: b.headers(), payload: { password: DEMO_PASSWORD } });
    expect(off.statusCode).toBe(204);
    expect((await signIn(t.app, 'user@mairie-demo.test')).stage).toBe('signed_in');
  });

  it('signing out ends the session; "everywhere" ends all of them', async () => {
    const a = await signIn(t.app, 'admin@mairie-demo.test');
    const b = await signIn(t.app, 'admin@mairie-demo.test');
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: a.headers() })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: a.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: b.cookie } })).statusCode).toBe(200);
    const c = await signIn(t.app, 'admin@mairie-demo.test');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/session/logout-everywhere', headers: c.headers() })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: b.cookie } })).statusCode).toBe(401);
  });

  it('a session ends after 12 hours without activity', async () => {
    const s = await signIn(t.app, 'user@mairie-demo.test');
    clock.advance(11 * 3600_000);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    clock.advance(11 * 3600_000); // still alive: the previous request renewed it
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    clock.advance(13 * 3600_000);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('changing one’s password signs out the other sessions', async () => {
    const client = await signIn(t.app, 'user@mairie-demo.test');
    const other = await signIn(t.app, 'user@mairie-demo.test');
    const tooShort = await t.app.inject({ method: 'POST', url: '/api/v1/me/password', headers: client.headers(), payload: { current_password: DEMO_PASSWORD, new_password: 'short' } });
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.json().errors[0].field).toBe('new_password');
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/me/password', headers: client.headers(), payload: { current_password: DEMO_PASSWORD, new_password: 'a brand new passphrase' } });
    expect(r.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: other.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: client.cookie } })).statusCode).toBe(200);
    expect((await signIn(t.app, 'user@mairie-demo.test', 'a brand new passphrase')).stage).toBe('signed_in');
  });
});
