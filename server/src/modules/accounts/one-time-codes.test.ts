import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestApp, signIn, type TestApp } from '../../../test/helpers.js';
import { fixedClock } from '../../platform/clock/clock.js';
import { inScope, systemScope } from '../../platform/db/scope.js';

/**
 * A one-time code is good once, even when two requests carry it at the same moment (a phished
 * code replayed alongside the person, a double submit): the database spends it by compare-and-set.
 */
describe.each(backends())('one-time codes under concurrent use on %s', (kind) => {
  let t: TestApp;
  const clock = fixedClock(new Date('2026-11-26T09:00:00Z'));
  const code = (secret: string) => generateSync({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
  let secret: string;
  let recovery: string[];

  beforeAll(async () => {
    t = await createTestApp(kind, { overrides: { clock } });
    // The support agent enrols an authenticator at first sign-in.
    const first = await signIn(t.app, 'support@pli.test');
    secret = (await t.app.inject({ method: 'POST', url: '/api/v1/session/totp/enrollment', headers: first.headers() })).json().secret;
    const confirm = await t.app.inject({ method: 'POST', url: '/api/v1/session/totp/enrollment/confirm', headers: first.headers(), payload: { code: code(secret) } });
    expect(confirm.statusCode).toBe(200);
    recovery = confirm.json().recovery_codes;
  });
  afterAll(() => t.close());

  const second = (headers: Record<string, string>, value: string) => t.app.inject({ method: 'POST', url: '/api/v1/session/totp', headers, payload: { code: value } });
  const statuses = (rs: Array<{ statusCode: number }>) => rs.map((r) => r.statusCode).sort();

  it('the same authenticator code in two sign-ins at once: one signs in, the other is refused', async () => {
    clock.advance(30_000);
    const [a, b] = [await signIn(t.app, 'support@pli.test'), await signIn(t.app, 'support@pli.test')];
    const now = code(secret);
    const answers = await Promise.all([second(a.headers(), now), second(b.headers(), now)]);
    expect(statuses(answers)).toEqual([200, 401]);
    expect(answers.find((r) => r.statusCode === 401)!.json().code).toBe('totp_invalid');
  });

  it('the same recovery code in two sign-ins at once: used up by one of them only', async () => {
    const [a, b] = [await signIn(t.app, 'support@pli.test'), await signIn(t.app, 'support@pli.test')];
    const answers = await Promise.all([second(a.headers(), recovery[0]!), second(b.headers(), recovery[0]!)]);
    expect(statuses(answers)).toEqual([200, 401]);
    const left = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('users').select('recovery_code_hashes').where('email', '=', 'support@pli.test').executeTakeFirstOrThrow());
    expect(left.recovery_code_hashes).toHaveLength(recovery.length - 1);
  });

  it('one pending sign-in completed twice at once (a code and a recovery code): one session, not two', async () => {
    const signedIn = async () =>
      (
        await inScope(t.container.db, systemScope, (tx) =>
          tx.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id').select('sessions.id').where('users.email', '=', 'support@pli.test').where('sessions.ended_at', 'is', null).where('sessions.stage', '=', 'signed_in').execute(),
        )
      ).length;
    clock.advance(30_000);
    const pending = await signIn(t.app, 'support@pli.test');
    const before = await signedIn();
    const answers = await Promise.all([second(pending.headers(), code(secret)), second(pending.headers(), recovery[1]!)]);
    expect(answers.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect((await signedIn()) - before).toBe(1);
  });
});
