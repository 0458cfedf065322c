import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, backends, createTestApp, sendSimpleEletter, type TestApp } from '../../../test/helpers.js';
import { AppError } from '../../errors.js';
import { fixedClock } from '../../platform/clock/clock.js';
import { inScope, systemScope } from '../../platform/db/scope.js';
import { LOCK_EVERY, VOID_AFTER, openWithCode } from './recipient-access.js';
import { sameRecipient } from './recipient-access.js';

describe.each(backends())('opening a simple e-letter by its code on %s', (kind) => {
  let t: TestApp;
  let key: string;
  const clock = fixedClock(new Date('2026-12-07T09:00:00Z'));

  beforeAll(async () => {
    t = await createTestApp(kind, { overrides: { clock }, env: { PLI_RECIPIENT_OPEN_LIMIT_PER_MINUTE: '5' } });
    key = await apiKeyFor(t, 'user@mairie-demo.test');
  });
  afterAll(() => t?.close());

  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'opened',
      (err: unknown) => (err instanceof AppError ? err.code : String(err)),
    );

  it('10,000 wrong codes, twenty at a time, never open the letter: five wrong lock it for 15 minutes, ten void the code; only a new code, sent to the recipient, opens it', async () => {
    const letter = await sendSimpleEletter(t, key, 'cible@example.fr');
    const wrong = (i: number) => String((Number(letter.code.replace('-', '')) + 1 + i) % 100_000_000).padStart(8, '0');
    const seen = new Map<string, number>();
    for (let i = 0; i < 10_000; i += 20) {
      // Twenty guesses at once: each is counted in the letter's locked row, none slips through.
      const batch = await Promise.all(Array.from({ length: 20 }, (_, j) => outcome(openWithCode(t.container.eletters, letter.link, wrong(i + j)))));
      for (const o of batch) seen.set(o, (seen.get(o) ?? 0) + 1);
      // Time passes: every lock runs out (an attacker who waits gains nothing but the void).
      clock.advance(60_000);
    }
    expect(seen.get('opened')).toBeUndefined();
    // Wrong codes counted: never more than VOID_AFTER for the code the recipient was sent.
    expect(seen.get('totp_invalid')).toBe(VOID_AFTER - 1);
    expect(seen.get('account_locked')).toBeGreaterThan(0);
    expect(seen.get('token_used')).toBeGreaterThan(9_000);
    const row = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('eletters').select(['failed_attempts', 'code_hash']).where('mailpiece_id', '=', letter.mailpieceId).executeTakeFirstOrThrow());
    expect(row).toEqual({ failed_attempts: VOID_AFTER, code_hash: null });
    // The right code, once voided, opens nothing either.
    expect(await outcome(openWithCode(t.container.eletters, letter.link, letter.code))).toBe('token_used');

    // A new code goes to the recipient's mailbox, never to whoever asks.
    clock.advance(60 * 60_000);
    const asked = await t.app.inject({ method: 'POST', url: '/api/v1/recipient/codes', payload: { link: letter.link } });
    expect(asked.statusCode, asked.body).toBe(202);
    expect(asked.body).not.toMatch(/\d{4}-\d{4}/);
    const queued = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('outbox_messages').select(['to_address', 'text_body']).where('template', '=', 'eletter.code').execute());
    expect(queued.map((m) => m.to_address)).toEqual(['cible@example.fr']);
    const fresh = /works once\): (\d{4}-\d{4})/.exec(queued[0]!.text_body)![1]!;
    // Asking again at once is refused: a new code every 5 minutes at most.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/recipient/codes', payload: { link: letter.link } })).statusCode).toBe(429);
    expect(await outcome(openWithCode(t.container.eletters, letter.link, fresh))).toBe('opened');
  }, 300_000);

  it('the lock holds against the right code too, until it runs out', async () => {
    const letter = await sendSimpleEletter(t, key, 'verrou@example.fr');
    for (let i = 0; i < LOCK_EVERY; i++) expect(await outcome(openWithCode(t.container.eletters, letter.link, '0000-0000'))).toBe(letter.code === '0000-0000' ? 'opened' : 'totp_invalid');
    expect(await outcome(openWithCode(t.container.eletters, letter.link, letter.code))).toBe('account_locked');
    clock.advance(15 * 60_000);
    expect(await outcome(openWithCode(t.container.eletters, letter.link, letter.code))).toBe('opened');
  });

  it('from one address, the route answers 429 past its rate (5 a minute here), whatever the code', async () => {
    const letter = await sendSimpleEletter(t, key, 'debit@example.fr');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await t.app.inject({ method: 'POST', url: '/api/v1/recipient/sessions', payload: { link: letter.link, code: '1111-1111' } })).statusCode);
    expect(statuses.slice(0, 5).every((s) => s === 401 || s === 429)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const limited = await t.app.inject({ method: 'POST', url: '/api/v1/recipient/sessions', headers: { 'accept-language': 'fr' }, payload: { link: letter.link, code: letter.code } });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('a link nobody was sent opens nothing (404), and says so in the person’s language', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/recipient/sessions', headers: { 'accept-language': 'fr', 'x-forwarded-for': '10.9.9.9' }, payload: { link: 'A'.repeat(43), code: '1234-5678' } });
    expect([404, 429]).toContain(r.statusCode);
    if (r.statusCode === 404) expect(r.json().detail).toBe('Ce lien n’ouvre aucun courrier. Vérifiez que vous l’avez copié en entier.');
  });
});

describe('who is the recipient', () => {
  const who = (familyName: string, subject = 's1') => ({ issuer: 'https://idp', subject, givenName: 'Jean', familyName, birthdate: null, email: null, acr: 'eidas2' });
  it.each([
    ['Jean DUPONT', 'Dupont', true],
    ['M. Jean-Pierre Dupont-Moretti', 'Dupont Moretti', true],
    ['Hélène Garnier', 'GARNIER', true],
    ['Hélène Garnier', 'Garni', false], // a part of a word is not the name
    ['SARL Dupont Frères', 'Martin', false],
  ])('%s, identity %s: %s', (name, family, same) => expect(sameRecipient({ recipient_name: name, identity: null }, who(family))).toBe(same));

  it('after the first access, only the same identity (issuer and subject) again', () => {
    const bound = { recipient_name: 'Jean Dupont', identity: { issuer: 'https://idp', subject: 's1' } };
    expect(sameRecipient(bound, who('Dupont', 's1'))).toBe(true);
    expect(sameRecipient(bound, who('Dupont', 's2'))).toBe(false);
  });
});
