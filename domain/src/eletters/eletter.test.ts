import { describe, expect, it } from 'vitest';
import {
  deadlineAt,
  decisionClosesAt,
  nextEletterStatus,
  nextReminderAt,
  refuseDecision,
  simpleFallbackAt,
  type EletterAction,
  type EletterKind,
  type EletterStatus,
} from './eletter.js';

const at = (s: string) => new Date(s);

describe('e-letter transitions', () => {
  const table: Array<[EletterKind, EletterStatus, EletterAction, EletterStatus | null]> = [
    ['registered', 'pending', 'notify', 'notified'],
    ['simple', 'pending', 'notify', 'notified'],
    ['simple', 'notified', 'open', 'opened'],
    ['registered', 'notified', 'open', null], // read only once accepted
    ['registered', 'notified', 'accept', 'accepted'],
    ['registered', 'notified', 'refuse', 'refused'],
    ['simple', 'notified', 'accept', null],
    ['registered', 'accepted', 'refuse', null], // a decision is final
    ['registered', 'refused', 'accept', null],
    ['registered', 'notified', 'expire', 'expired'],
    ['registered', 'accepted', 'expire', null], // accepted in time: never expires
    ['simple', 'opened', 'expire', null], // read in time: no paper
    ['simple', 'notified', 'expire', 'expired'],
    ['registered', 'expired', 'fall_back', 'fallback_paper'],
    ['registered', 'fallback_paper', 'fall_back', null], // one paper, ever
    ['registered', 'pending', 'accept', null],
    ['registered', 'pending', 'bounce', 'expired'], // refused by the recipient's mail server
    ['simple', 'notified', 'bounce', 'expired'], // a bounce report after the server took it
    ['registered', 'accepted', 'bounce', null], // a late report changes nothing once decided
  ];
  it.each(table)('%s: %s --%s--> %s', (kind, from, action, to) => expect(nextEletterStatus(kind, from, action)).toBe(to));
});

describe('the registered letter’s window: until the end of D+15, Paris time', () => {
  it.each([
    // Notified at any hour of 7 December (Paris): closes at the end of 22 December.
    ['2026-12-07T08:00:00Z', '2026-12-22T23:00:00.000Z'],
    ['2026-12-07T22:59:59Z', '2026-12-22T23:00:00.000Z'],
    // 23:30 UTC on the 7th is already the 8th in Paris.
    ['2026-12-07T23:30:00Z', '2026-12-23T23:00:00.000Z'],
    // Across the change to summer time: the window ends at a Paris midnight in summer time.
    ['2026-03-20T10:00:00Z', '2026-04-04T22:00:00.000Z'],
    // Across the change to winter time.
    ['2026-10-20T10:00:00Z', '2026-11-04T23:00:00.000Z'],
  ])('notified %s: closes %s', (notified, closes) => expect(decisionClosesAt(at(notified)).toISOString()).toBe(closes));

  const notifiedAt = at('2026-12-07T09:00:00Z');
  const letter = { kind: 'registered' as const, status: 'notified' as const, notifiedAt };
  it.each([
    ['the same day', '2026-12-07T15:00:00Z', null],
    ['D+1', '2026-12-08T09:00:00Z', null],
    ['the last minute of D+15', '2026-12-22T22:59:59Z', null],
    ['the first instant of D+16', '2026-12-22T23:00:00Z', { kind: 'closed', closedAt: at('2026-12-22T23:00:00Z') }],
  ])('a decision %s', (_what, now, refusal) => expect(refuseDecision(letter, at(now))).toEqual(refusal));
  it('no decision twice, none on a simple letter, none before the notification', () => {
    expect(refuseDecision({ ...letter, status: 'accepted' }, at('2026-12-08T09:00:00Z'))).toEqual({ kind: 'decided', status: 'accepted' });
    expect(refuseDecision({ ...letter, kind: 'simple' }, at('2026-12-08T09:00:00Z'))).toEqual({ kind: 'not_registered' });
    expect(refuseDecision({ ...letter, status: 'pending', notifiedAt: null }, at('2026-12-08T09:00:00Z'))).toEqual({ kind: 'not_notified' });
  });
});

describe('reminders every 3 days until a decision, and the deadlines', () => {
  const notifiedAt = at('2026-12-07T09:00:00Z');
  const base = { kind: 'registered' as const, status: 'notified' as const, notifiedAt, fallbackAfterDays: null };
  it.each([
    [0, '2026-12-10T09:00:00.000Z'],
    [1, '2026-12-13T09:00:00.000Z'],
    [4, '2026-12-22T09:00:00.000Z'],
    [5, null], // D+18 is past the window
  ])('after %i reminders, the next at %s', (sent, next) => expect(nextReminderAt({ ...base, remindersSent: sent })?.toISOString() ?? null).toBe(next));
  it('none once decided, and a simple letter’s stop at its fallback delay', () => {
    expect(nextReminderAt({ ...base, status: 'accepted', remindersSent: 0 })).toBeNull();
    expect(nextReminderAt({ ...base, kind: 'simple', fallbackAfterDays: 5, remindersSent: 0 })?.toISOString()).toBe('2026-12-10T09:00:00.000Z');
    expect(nextReminderAt({ ...base, kind: 'simple', fallbackAfterDays: 5, remindersSent: 1 })).toBeNull();
  });
  it('a registered letter’s deadline is its window; a simple one’s its sender’s delay, or none', () => {
    expect(deadlineAt({ kind: 'registered', notifiedAt, fallbackAfterDays: null })?.toISOString()).toBe('2026-12-22T23:00:00.000Z');
    expect(deadlineAt({ kind: 'simple', notifiedAt, fallbackAfterDays: 5 })?.toISOString()).toBe(simpleFallbackAt(notifiedAt, 5).toISOString());
    expect(simpleFallbackAt(notifiedAt, 5).toISOString()).toBe('2026-12-12T23:00:00.000Z');
    expect(deadlineAt({ kind: 'simple', notifiedAt, fallbackAfterDays: null })).toBeNull();
  });
});
