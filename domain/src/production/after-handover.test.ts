import { describe, expect, it } from 'vitest';
import { addressKey, afterHandover, chaseDue, DEFAULT_CHASE_SETTINGS, nextPollDelayMs, type HandoverOutcome } from './after-handover.js';
import type { MailpieceStatus } from './floor-status.js';

describe('what can happen to a mailpiece after its deposit', () => {
  const table: Array<[MailpieceStatus, HandoverOutcome, ReturnType<typeof afterHandover>]> = [
    ['deposited', 'delivered', { ok: true }],
    ['deposited', 'returned', { ok: true }],
    ['deposited', 'ar_received', { ok: true }],
    ['delivered', 'returned', { ok: true }],
    ['delivered', 'ar_received', { ok: true }],
    ['delivered', 'delivered', { ok: false, reason: 'repeated' }],
    ['returned', 'returned', { ok: false, reason: 'repeated' }],
    ['ar_received', 'ar_received', { ok: false, reason: 'repeated' }],
    ['returned', 'ar_received', { ok: false, reason: 'closed', status: 'returned' }],
    ['ar_received', 'returned', { ok: false, reason: 'closed', status: 'ar_received' }],
    ['ar_received', 'delivered', { ok: false, reason: 'closed', status: 'ar_received' }],
    ['pending', 'returned', { ok: false, reason: 'not_deposited' }],
    ['franked', 'ar_received', { ok: false, reason: 'not_deposited' }],
    ['printed', 'delivered', { ok: false, reason: 'not_deposited' }],
  ];
  it.each(table)('%s, then %s', (from, outcome, verdict) => expect(afterHandover(from, outcome)).toEqual(verdict));
});

describe('the watchdog: what to chase La Poste about', () => {
  const deposited = new Date('2026-12-01T10:00:00Z');
  const day = (n: number) => new Date(deposited.getTime() + n * 86_400_000);
  const table: Array<[string, Parameters<typeof chaseDue>[0], Date, string[]]> = [
    ['a letter just deposited', { status: 'deposited', acknowledgement: true, depositedAt: deposited, deliveredByTracking: false }, day(1), []],
    ['no delivery event after 7 days', { status: 'deposited', acknowledgement: false, depositedAt: deposited, deliveredByTracking: false }, day(7), ['no_delivery']],
    ['delivered, card not back after 21 days', { status: 'delivered', acknowledgement: true, depositedAt: deposited, deliveredByTracking: true }, day(21), ['no_ar']],
    ['delivered, card not back after 20 days', { status: 'delivered', acknowledgement: true, depositedAt: deposited, deliveredByTracking: true }, day(20), []],
    ['neither after 30 days', { status: 'deposited', acknowledgement: true, depositedAt: deposited, deliveredByTracking: false }, day(30), ['no_delivery', 'no_ar']],
    ['the card came back', { status: 'ar_received', acknowledgement: true, depositedAt: deposited, deliveredByTracking: false }, day(30), []],
    ['the letter came back', { status: 'returned', acknowledgement: true, depositedAt: deposited, deliveredByTracking: false }, day(30), []],
  ];
  it.each(table)('%s', (_, m, now, due) => expect(chaseDue(m, DEFAULT_CHASE_SETTINGS, now)).toEqual(due));
});

describe('when a tracked number is asked again', () => {
  const min = 60_000;
  const table: Array<[string, Parameters<typeof nextPollDelayMs>[0], number]> = [
    ['travelling', { kind: 'moving' }, 240 * min],
    ['unknown to La Poste yet', { kind: 'unknown' }, 360 * min],
    ['first failure', { kind: 'failed', failures: 1, retryAfterMs: null }, 15 * min],
    ['third failure', { kind: 'failed', failures: 3, retryAfterMs: null }, 60 * min],
    ['many failures: a day at most', { kind: 'failed', failures: 20, retryAfterMs: null }, 1440 * min],
    ['told to wait longer', { kind: 'failed', failures: 1, retryAfterMs: 30 * min }, 30 * min],
  ];
  it.each(table)('%s', (_, outcome, ms) => expect(nextPollDelayMs(outcome)).toBe(ms));
});

describe('an address as the address book knows it', () => {
  it('folds case, accents, punctuation and spacing, and keeps the country', () => {
    expect(addressKey(['M. Jérôme  Dupré', '12, rue de l’Église', '75004 Paris'], 'fr')).toBe(addressKey(['M JEROME DUPRE', '12 RUE DE L EGLISE', '75004 PARIS'], 'FR'));
    expect(addressKey(['12 rue A', '75004 Paris'], 'FR')).not.toBe(addressKey(['12 rue A', '75004 Paris'], 'BE'));
    expect(addressKey(['12 rue A', '', '75004 Paris'], 'FR')).toBe(addressKey(['12 rue A', '75004 Paris'], 'FR'));
  });
});
