import util from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, parisDay, parisMidnight } from '#domain/time/paris.js';
import { startSuiviReplayServer, suiviFixture, type SuiviReplayServer, type SuiviReply } from '../../../test/suivi-replay-server.js';
import { fixedClock } from '../clock/clock.js';
import { createLaPosteSuiviTracker, parseSuiviShipment } from './laposte-suivi.tracker.js';
import {
  PostalTrackingUnavailable,
  postalMeaning,
  type PostalMeaning,
  type PostalTracker,
  type TrackingAnswer,
  type TrackingFailure,
} from './postal-tracking.port.js';
import { createSimulatedTracker, simulatedOutcome } from './simulated.tracker.js';

const API_KEY = 'okapi-test-key-3f9c1e7a-do-not-show';
const DELIVERED = '1E00232062142';
const RETURNED = '1E00232065187';

async function unavailable(promise: Promise<unknown>): Promise<PostalTrackingUnavailable> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PostalTrackingUnavailable);
  return err as PostalTrackingUnavailable;
}

function found(answer: TrackingAnswer): Extract<TrackingAnswer, { kind: 'found' }> {
  if (answer.kind !== 'found') throw new Error(`expected a found answer, got ${answer.kind}`);
  return answer;
}

/** The delivered fixture with its events replaced. */
function deliveredWith(event: Array<{ code: string; label: string; date: string }>, idShip = DELIVERED): unknown {
  const body = suiviFixture('delivered');
  return { ...body, shipment: { ...(body.shipment as object), idShip, event } };
}

describe('La Poste Suivi v2 adapter, against a local replay server', () => {
  let suivi: SuiviReplayServer;
  let tracker: PostalTracker;
  const clock = fixedClock(new Date('2026-12-05T09:00:00Z'));

  beforeAll(async () => {
    suivi = await startSuiviReplayServer();
    // The trailing slash is the kind of thing configuration carries.
    tracker = createLaPosteSuiviTracker({ baseUrl: `${suivi.baseUrl}/`, apiKey: API_KEY, timeoutMs: 5_000, clock });
  });

  afterAll(async () => {
    await suivi.close();
  });

  it('reads a delivered registered letter: events oldest first, dates to the instant, final', async () => {
    suivi.script(DELIVERED, { status: 200, json: suiviFixture('delivered') });
    const answer = found(await tracker.track(DELIVERED));

    const request = suivi.requests.at(-1)!;
    expect(request).toEqual({
      path: `/suivi/v2/idships/${DELIVERED}?lang=fr_FR`,
      number: DELIVERED,
      apiKey: API_KEY,
      accept: 'application/json',
    });
    expect(answer.number).toBe(DELIVERED);
    expect(answer.final).toBe(true);
    expect(answer.events.map((e) => e.code)).toEqual(['DR1', 'PC1', 'ET1', 'ET2', 'MD2', 'DI1']);
    expect(answer.events[0]).toEqual({ code: 'DR1', label: "Votre envoi est en préparation chez l'expéditeur.", at: new Date('2026-12-02T17:04:00Z') });
    expect(answer.events.at(-1)).toEqual({ code: 'DI1', label: 'Votre envoi a été distribué à son destinataire.', at: new Date('2026-12-04T10:32:00Z') });
    expect(postalMeaning(answer.events.at(-1)!.code)).toBe('delivered');
  });

  it('reads a letter left at the post office then returned, in summer time', async () => {
    suivi.script(RETURNED, { status: 200, json: suiviFixture('returned') });
    const answer = found(await tracker.track(RETURNED));
    expect(answer.final).toBe(false);
    expect(answer.events.map((e) => [e.code, e.at.toISOString()])).toEqual([
      ['PC1', '2026-06-29T14:40:00.000Z'],
      ['ET1', '2026-06-29T20:15:00.000Z'],
      ['MD2', '2026-06-30T05:58:00.000Z'],
      ['AG1', '2026-06-30T09:47:00.000Z'],
      ['RE1', '2026-07-15T07:12:00.000Z'],
    ]);
    expect(answer.events.map((e) => postalMeaning(e.code))).toEqual(['in_transit', 'in_transit', 'in_transit', 'awaiting_collection', 'returned_to_sender']);
  });

  it('gives the same (code, instant) once, whatever the offset it was written with, and sorts what came unsorted', async () => {
    const number = '1E00232060001';
    suivi.script(number, {
      status: 200,
      json: deliveredWith(
        [
          { code: 'DI1', label: 'Votre envoi a été distribué à son destinataire.', date: '2026-12-04T11:32:00+01:00' },
          { code: 'DI1', label: 'Votre envoi a été distribué à son destinataire.', date: '2026-12-04T10:32:00Z' },
          { code: 'PC1', label: 'Votre envoi a été pris en charge par La Poste.', date: '2026-12-03T10:21:00+01:00' },
          // Same instant, another code: both kept, in the operator's order.
          { code: 'MD2', label: 'Votre envoi est en cours de distribution par votre facteur.', date: '2026-12-04T08:05:00+01:00' },
          { code: 'ET1', label: 'Votre envoi est en cours de traitement sur notre plateforme.', date: '2026-12-04T08:05:00+01:00' },
          { code: 'PC1', label: 'Votre envoi a été pris en charge par La Poste.', date: '2026-12-03T10:21:00+01:00' },
        ],
        number,
      ),
    });
    const answer = found(await tracker.track(number));
    expect(answer.events.map((e) => [e.code, e.at.toISOString()])).toEqual([
      ['PC1', '2026-12-03T09:21:00.000Z'],
      ['ET1', '2026-12-04T07:05:00.000Z'],
      ['MD2', '2026-12-04T07:05:00.000Z'],
      ['DI1', '2026-12-04T10:32:00.000Z'],
    ]);
  });

  it.each<[string, SuiviReply]>([
    ['404, returnCode 104 (not recognised)', { status: 404, json: suiviFixture('unknown-404') }],
    ['404, returnCode 105', { status: 404, json: { returnCode: 105, returnMessage: 'Numéro de suivi introuvable.', idShip: '1E00232069998' } }],
    ['404, RESOURCE_NOT_FOUND', { status: 404, json: { code: 'RESOURCE_NOT_FOUND', message: "La ressource demandée n'existe pas." } }],
    ['400, invalid number', { status: 400, json: suiviFixture('invalid-400') }],
  ])('takes %s as an unknown number', async (_name, reply) => {
    const number = `1E0023206${String(suivi.requests.length).padStart(4, '0')}`;
    suivi.script(number, reply);
    expect(await tracker.track(number)).toEqual({ kind: 'unknown', number });
  });

  it('encodes the number into the path, and does not ask about a blank one', async () => {
    const odd = '1E 0023/2?x';
    suivi.script(odd, { status: 400, json: suiviFixture('invalid-400') });
    expect(await tracker.track(odd)).toEqual({ kind: 'unknown', number: odd });
    expect(suivi.requests.at(-1)!.path).toBe('/suivi/v2/idships/1E%200023%2F2%3Fx?lang=fr_FR');

    const before = suivi.requests.length;
    expect(await tracker.track('  ')).toEqual({ kind: 'unknown', number: '  ' });
    expect(suivi.requests).toHaveLength(before);
  });

  const oversize = JSON.stringify({ ...suiviFixture('delivered'), padding: 'x'.repeat(1024 * 1024) });

  it.each<[string, TrackingFailure, SuiviReply]>([
    ['401 (bad key)', 'refused', { status: 401, json: { code: 'UNAUTHORIZED', message: 'INVALID_KEY' } }],
    ['403', 'refused', { status: 403, json: { code: 'FORBIDDEN', message: 'Accès refusé.' } }],
    ['500', 'http_error', { status: 500, json: { returnCode: 500, returnMessage: 'Erreur interne.' } }],
    ['503 without body', 'http_error', { status: 503 }],
    ["a proxy's 404 page", 'http_error', { status: 404, raw: '<html><body>Not Found</body></html>', headers: { 'content-type': 'text/html' } }],
    ['a redirect, not followed', 'http_error', { status: 302, headers: { location: 'http://127.0.0.1:9/elsewhere' } }],
    ['a destroyed socket', 'unreachable', { destroy: true }],
    ['a body that is not JSON', 'malformed', { status: 200, raw: '<html>Maintenance</html>' }],
    ['an empty body', 'malformed', { status: 200, raw: '' }],
    ['JSON of another shape', 'malformed', { status: 200, json: { returnCode: 200, shipment: { idShip: DELIVERED, isFinal: 'yes', event: [] } } }],
    ['no shipment', 'malformed', { status: 200, json: { returnCode: 104, returnMessage: "Votre numéro d'envoi n'est pas reconnu." } }],
    ['an answer about another number', 'malformed', { status: 200, json: suiviFixture('delivered') }],
    ['a date that does not exist', 'malformed', { status: 200, json: 'bad-date:2026-02-30T10:00:00+01:00' }],
    ['a date without offset', 'malformed', { status: 200, json: 'bad-date:2026-12-04T11:32:00' }],
    ['a date that is not one', 'malformed', { status: 200, json: 'bad-date:le 4 décembre' }],
    ['a body over 1 MiB, with Content-Length', 'malformed', { status: 200, raw: oversize }],
    ['a body over 1 MiB, streamed', 'malformed', { status: 200, raw: oversize, chunked: true }],
  ])('fails on %s: %s', async (_name, reason, reply) => {
    const number = `1E0024${String(suivi.requests.length).padStart(7, '0')}`;
    const script =
      'json' in reply && typeof reply.json === 'string' && reply.json.startsWith('bad-date:')
        ? { status: 200, json: deliveredWith([{ code: 'DI1', label: 'Distribué.', date: reply.json.slice('bad-date:'.length) }], number) }
        : reply;
    suivi.script(number, script);
    const before = suivi.requests.length;
    const err = await unavailable(tracker.track(number));
    expect(err.reason).toBe(reason);
    expect(err.retryAfterMs).toBeNull();
    expect(suivi.requests).toHaveLength(before + 1);
    // The key is in no message, no stack, no cause.
    expect(err.message).not.toContain(API_KEY);
    expect(util.inspect(err, { depth: 10 })).not.toContain(API_KEY);
  });

  it.each<[string, Record<string, string>, number | null]>([
    ['in seconds', { 'retry-after': '30' }, 30_000],
    ['as an HTTP date', { 'retry-after': 'Sat, 05 Dec 2026 09:01:30 GMT' }, 90_000],
    ['as a date already past', { 'retry-after': 'Sat, 05 Dec 2026 08:00:00 GMT' }, 0],
    ['unreadable', { 'retry-after': 'bientôt' }, null],
    ['absent', {}, null],
  ])('is rate limited (429) with Retry-After %s', async (_name, headers, retryAfterMs) => {
    const number = `1E0025${String(suivi.requests.length).padStart(7, '0')}`;
    suivi.script(number, { status: 429, headers });
    const err = await unavailable(tracker.track(number));
    expect(err.reason).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(retryAfterMs);
  });

  it('times out on an answer that never comes', async () => {
    const impatient = createLaPosteSuiviTracker({ baseUrl: suivi.baseUrl, apiKey: API_KEY, timeoutMs: 200 });
    suivi.script('1E00260000001', { hang: true });
    const err = await unavailable(impatient.track('1E00260000001'));
    expect(err.reason).toBe('timeout');
    expect(util.inspect(err, { depth: 10 })).not.toContain(API_KEY);
  });

  it('is unreachable when nothing listens', async () => {
    const closed = await startSuiviReplayServer();
    await closed.close();
    const err = await unavailable(createLaPosteSuiviTracker({ baseUrl: closed.baseUrl, apiKey: API_KEY }).track(DELIVERED));
    expect(err.reason).toBe('unreachable');
    expect(err.message).toContain('ECONNREFUSED');
  });
});

describe('parseSuiviShipment', () => {
  it('compares the number without regard to case or surrounding spaces, and answers with the number asked', () => {
    const answer = parseSuiviShipment(' 1e00232062142', suiviFixture('delivered'));
    expect(answer.number).toBe(' 1e00232062142');
    expect(answer.events).toHaveLength(6);
  });

  it('takes fractions of a second and Z', () => {
    const answer = parseSuiviShipment(DELIVERED, deliveredWith([{ code: 'PC1', label: 'Pris en charge.', date: '2026-12-03T09:21:07.25Z' }]));
    expect(answer.events[0]!.at).toEqual(new Date(Date.UTC(2026, 11, 3, 9, 21, 7, 250)));
  });
});

describe('postalMeaning', () => {
  it.each<[string, PostalMeaning]>([
    ['DR1', 'in_transit'],
    ['PC1', 'in_transit'],
    ['PC2', 'in_transit'],
    ['ET1', 'in_transit'],
    ['ET2', 'in_transit'],
    ['ET3', 'in_transit'],
    ['ET4', 'in_transit'],
    ['EP1', 'in_transit'],
    ['DO1', 'in_transit'],
    ['DO2', 'in_transit'],
    ['DO3', 'in_transit'],
    ['PB1', 'problem'],
    ['PB2', 'in_transit'],
    ['MD2', 'in_transit'],
    ['ND1', 'problem'],
    ['AG1', 'awaiting_collection'],
    ['RE1', 'returned_to_sender'],
    ['DI0', 'delivered'],
    ['DI1', 'delivered'],
    ['DI2', 'returned_to_sender'],
    [' di1 ', 'delivered'],
    ['XX9', 'in_transit'],
    ['constructor', 'in_transit'],
  ])('%s means %s', (code, meaning) => {
    expect(postalMeaning(code)).toBe(meaning);
  });
});

describe('simulated tracker', () => {
  // Thursday 3 December 2026, 10:21 in Paris.
  const DEPOSIT = new Date('2026-12-03T09:21:00Z');
  const DAY_MS = 24 * 3600_000;

  function numberWith(outcome: 'delivered' | 'returned', skip = 0): string {
    let found = 0;
    for (let i = 0; ; i += 1) {
      const number = `1E00${String(i).padStart(9, '0')}`;
      if (simulatedOutcome(number) === outcome && found++ === skip) return number;
    }
  }

  function simulator(deposits: Record<string, Date>, now: Date) {
    const clock = fixedClock(now);
    const tracker = createSimulatedTracker({ clock, depositedAt: async (n) => deposits[n] ?? null });
    return { clock, tracker };
  }

  it('sends about 1 letter in 10 back to its sender', () => {
    let returned = 0;
    for (let i = 0; i < 2000; i += 1) if (simulatedOutcome(`1E00${String(i).padStart(9, '0')}`) === 'returned') returned += 1;
    expect(returned).toBeGreaterThan(140);
    expect(returned).toBeLessThan(260);
  });

  it('knows nothing of a number without deposit, nor before the deposit', async () => {
    const number = numberWith('delivered');
    const { clock, tracker } = simulator({ [number]: DEPOSIT }, new Date(DEPOSIT.getTime() - 1));
    expect(await tracker.track(number)).toEqual({ kind: 'unknown', number });
    expect(await tracker.track('1E99999999999')).toEqual({ kind: 'unknown', number: '1E99999999999' });
    clock.set(DEPOSIT);
    const answer = found(await tracker.track(number));
    expect(answer.events).toEqual([{ code: 'PC1', label: expect.any(String), at: DEPOSIT }]);
    expect(answer.final).toBe(false);
  });

  it('is deterministic per number', async () => {
    const numbers = [numberWith('delivered'), numberWith('delivered', 1), numberWith('returned')];
    const deposits = Object.fromEntries(numbers.map((n) => [n, DEPOSIT]));
    const now = new Date(DEPOSIT.getTime() + 30 * DAY_MS);
    const a = simulator(deposits, now).tracker;
    const b = simulator(deposits, now).tracker;
    for (const n of numbers) expect(await a.track(n)).toEqual(await b.track(n));
    // Two numbers do not travel alike to the minute.
    const [x, y] = [found(await a.track(numbers[0]!)), found(await a.track(numbers[1]!))];
    expect(x.events.map((e) => e.at.getTime())).not.toEqual(y.events.map((e) => e.at.getTime()));
  });

  it('delivers most letters on the next round or the one after, and then says final', async () => {
    for (let skip = 0; skip < 12; skip += 1) {
      const number = numberWith('delivered', skip);
      const { clock, tracker } = simulator({ [number]: DEPOSIT }, new Date(DEPOSIT.getTime() + 30 * DAY_MS));
      const answer = found(await tracker.track(number));
      expect(answer.events.map((e) => e.code)).toEqual(['PC1', 'ET1', 'MD2', 'DI1']);
      expect(answer.final).toBe(true);
      const [pc1, et1, md2, di1] = answer.events as [typeof answer.events[0], typeof answer.events[0], typeof answer.events[0], typeof answer.events[0]];
      expect(pc1.at).toEqual(DEPOSIT);
      expect(et1.at.getTime()).toBeGreaterThan(DEPOSIT.getTime());
      expect(['2026-12-04', '2026-12-05']).toContain(parisDay(di1.at));
      expect(parisDay(md2.at)).toBe(parisDay(di1.at));
      const hoursInto = (at: Date) => (at.getTime() - parisMidnight(parisDay(at)).getTime()) / 3600_000;
      expect(hoursInto(md2.at)).toBeGreaterThanOrEqual(7.5);
      expect(hoursInto(md2.at)).toBeLessThan(8.5);
      expect(hoursInto(di1.at)).toBeGreaterThanOrEqual(10.5);
      expect(hoursInto(di1.at)).toBeLessThan(11.5);

      // Just before DI1 the letter is out for delivery, not final.
      clock.set(new Date(di1.at.getTime() - 1000));
      const before = found(await tracker.track(number));
      expect(before.events.map((e) => e.code)).toEqual(['PC1', 'ET1', 'MD2']);
      expect(before.final).toBe(false);
      clock.set(di1.at);
      expect(found(await tracker.track(number)).final).toBe(true);
    }
  });

  it('has no round on Sundays', async () => {
    // Saturday 5 December: the next rounds are Monday 7 and Tuesday 8.
    const saturday = new Date('2026-12-05T15:00:00Z');
    for (let skip = 0; skip < 12; skip += 1) {
      const number = numberWith('delivered', skip);
      const answer = found(await simulator({ [number]: saturday }, new Date(saturday.getTime() + 30 * DAY_MS)).tracker.track(number));
      expect(['2026-12-07', '2026-12-08']).toContain(parisDay(answer.events.at(-1)!.at));
    }
  });

  it('leaves a returned letter at the post office, then sends it back 15 days later', async () => {
    const number = numberWith('returned');
    const { clock, tracker } = simulator({ [number]: DEPOSIT }, new Date(DEPOSIT.getTime() + 30 * DAY_MS));
    const answer = found(await tracker.track(number));
    expect(answer.events.map((e) => e.code)).toEqual(['PC1', 'ET1', 'MD2', 'AG1', 'RE1']);
    expect(answer.final).toBe(true);
    const ag1 = answer.events[3]!;
    const re1 = answer.events[4]!;
    expect(parisDay(re1.at)).toBe(addDays(parisDay(ag1.at), 15));

    clock.set(new Date(re1.at.getTime() - 1000));
    const waiting = found(await tracker.track(number));
    expect(waiting.final).toBe(false);
    expect(postalMeaning(waiting.events.at(-1)!.code)).toBe('awaiting_collection');
  });

  it('shows only what has happened, and never takes an event back', async () => {
    const numbers = [numberWith('delivered'), numberWith('returned')];
    // Summer time, and a deposit with milliseconds: Suivi gives seconds.
    const deposit = new Date('2026-06-26T14:40:12.345Z');
    for (const number of numbers) {
      const { clock, tracker } = simulator({ [number]: deposit }, deposit);
      let previous: string[] = [];
      for (let hour = 0; hour <= 20 * 24; hour += 1) {
        clock.set(new Date(deposit.getTime() + hour * 3600_000));
        const answer = found(await tracker.track(number));
        expect(answer.events[0]!.at).toEqual(new Date('2026-06-26T14:40:12Z'));
        for (const e of answer.events) expect(e.at.getTime()).toBeLessThanOrEqual(clock.now().getTime());
        const codes = answer.events.map((e) => e.code);
        expect(codes.slice(0, previous.length)).toEqual(previous);
        previous = codes;
      }
      expect(previous.at(-1)).toBe(simulatedOutcome(number) === 'delivered' ? 'DI1' : 'RE1');
    }
  });
});
