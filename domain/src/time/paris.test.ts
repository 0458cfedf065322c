import { describe, expect, it } from 'vitest';
import { addDays, parisDay, parisIso, parisMidnight } from './paris.js';

describe('an instant as Paris writes it', () => {
  const table: Array<[string, string]> = [
    ['2026-12-03T09:21:00.000Z', '2026-12-03T10:21:00+01:00'],
    ['2026-07-14T08:00:30.750Z', '2026-07-14T10:00:30+02:00'],
    ['2026-03-29T00:59:59.000Z', '2026-03-29T01:59:59+01:00'], // the last second of winter time
    ['2026-03-29T01:00:00.000Z', '2026-03-29T03:00:00+02:00'],
    ['2026-12-31T23:30:00.000Z', '2027-01-01T00:30:00+01:00'],
  ];
  it.each(table)('%s', (utc, paris) => {
    expect(parisIso(new Date(utc))).toBe(paris);
    expect(new Date(paris).getTime()).toBe(Math.floor(new Date(utc).getTime() / 1000) * 1000);
  });
});

describe('Paris calendar days', () => {
  it.each([
    ['2026-12-07T22:59:59Z', '2026-12-07'],
    ['2026-12-07T23:00:00Z', '2026-12-08'], // winter: UTC+1
    ['2026-07-14T21:59:59Z', '2026-07-14'],
    ['2026-07-14T22:00:00Z', '2026-07-15'], // summer: UTC+2
  ])('%s falls on %s in Paris', (at, day) => expect(parisDay(new Date(at))).toBe(day));

  it.each([
    ['2026-12-08', '2026-12-07T23:00:00.000Z'],
    ['2026-07-15', '2026-07-14T22:00:00.000Z'],
    // The days the clocks change: midnight is before the change, in the old offset.
    ['2026-03-29', '2026-03-28T23:00:00.000Z'],
    ['2026-03-30', '2026-03-29T22:00:00.000Z'],
    ['2026-10-25', '2026-10-24T22:00:00.000Z'],
    ['2026-10-26', '2026-10-25T23:00:00.000Z'],
  ])('%s starts at %s', (day, instant) => expect(parisMidnight(day).toISOString()).toBe(instant));

  it.each([
    ['2026-12-07', 15, '2026-12-22'],
    ['2026-12-20', 15, '2027-01-04'],
    ['2028-02-20', 10, '2028-03-01'],
  ])('%s + %i days = %s', (day, n, next) => expect(addDays(day, n)).toBe(next));
});
