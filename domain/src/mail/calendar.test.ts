import { describe, expect, it } from 'vitest';
import {
  addDays,
  addPostalWorkingDays,
  easterSunday,
  frenchPublicHolidays,
  isCivilDate,
  isFrenchPublicHoliday,
  isPostalWorkingDay,
  isProductionDay,
  nextProductionDay,
  versionsFrom,
  weekday,
  type CivilDate,
} from './calendar.js';

describe('easterSunday', () => {
  // Reference dates from published tables, including the earliest (22 March) and latest (25 April).
  it.each([
    [1583, '1583-04-10'],
    [1818, '1818-03-22'],
    [2000, '2000-04-23'],
    [2008, '2008-03-23'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ])('%i → %s', (year, date) => {
    expect(easterSunday(year)).toBe(date);
    expect(weekday(date)).toBe(7);
  });

  it.each([1582, 10_000, 2026.5])('refuses year %s', (year) => {
    expect(() => easterSunday(year)).toThrow(RangeError);
  });
});

describe('frenchPublicHolidays', () => {
  it('lists the eleven holidays of 2026 in date order', () => {
    expect(frenchPublicHolidays(2026).map((h) => h.date)).toEqual([
      '2026-01-01',
      '2026-04-06', // Easter Monday
      '2026-05-01',
      '2026-05-08',
      '2026-05-14', // Ascension
      '2026-05-25', // Whit Monday
      '2026-07-14',
      '2026-08-15',
      '2026-11-01',
      '2026-11-11',
      '2026-12-25',
    ]);
  });

  it('moves with Easter: 2025', () => {
    const byName = Object.fromEntries(frenchPublicHolidays(2025).map((h) => [h.name, h.date]));
    expect(byName).toMatchObject({ 'Easter Monday': '2025-04-21', 'Ascension Day': '2025-05-29', 'Whit Monday': '2025-06-09' });
  });

  it('handles Ascension on 1 May (2008) without losing a holiday from the list', () => {
    const dates = frenchPublicHolidays(2008).map((h) => h.date);
    expect(dates.filter((d) => d === '2008-05-01')).toHaveLength(2);
  });

  it.each<[CivilDate, boolean]>([
    ['2026-01-01', true],
    ['2026-01-02', false],
    ['2026-04-03', false], // Good Friday: not a national holiday
    ['2026-04-05', false], // Easter Sunday itself is a Sunday, not listed
    ['2026-04-06', true],
    ['2026-05-14', true],
    ['2026-05-25', true],
    ['2026-07-14', true],
    ['2026-12-25', true],
    ['2026-12-26', false],
  ])('%s is a public holiday: %s', (date, holiday) => {
    expect(isFrenchPublicHoliday(date)).toBe(holiday);
  });
});

describe('dates', () => {
  it.each<[CivilDate, number, CivilDate]>([
    ['2026-01-31', 1, '2026-02-01'],
    ['2026-02-28', 1, '2026-03-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2100-02-28', 1, '2100-03-01'], // not a leap year
    ['2000-02-28', 1, '2000-02-29'], // a leap year
    ['2026-12-31', 1, '2027-01-01'],
    ['2027-01-01', -1, '2026-12-31'],
    ['2026-03-29', 0, '2026-03-29'], // the spring DST change is just another day
  ])('%s + %i days = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it('agrees with the proleptic UTC calendar day by day over thirty years', () => {
    const start = Date.UTC(2000, 0, 1);
    const mismatches: string[] = [];
    for (let i = 0; i < 365 * 30; i += 1) {
      const utc = new Date(start + i * 86_400_000);
      const iso = utc.toISOString().slice(0, 10);
      if (addDays('2000-01-01', i) !== iso || weekday(iso) !== ((utc.getUTCDay() + 6) % 7) + 1) mismatches.push(iso);
    }
    expect(mismatches).toEqual([]);
  });

  it.each([
    ['2026-03-05', true],
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-04-31', false],
    ['2026-4-1', false],
    ['26-04-01', false],
    ['2026-04-01T00:00', false],
    ['1500-01-01', false],
  ])('%s is a calendar date: %s', (value, ok) => {
    expect(isCivilDate(value)).toBe(ok);
  });

  it('refuses a malformed date', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
  });
});

describe('working days', () => {
  it.each<[CivilDate, string, boolean, boolean]>([
    ['2026-03-06', 'Friday', true, true],
    ['2026-03-07', 'Saturday', false, true],
    ['2026-03-08', 'Sunday', false, false],
    ['2026-03-09', 'Monday', true, true],
    ['2026-05-14', 'Ascension (Thursday)', false, false],
    ['2026-08-15', 'Assumption (Saturday)', false, false],
  ])('%s (%s): production %s, postal %s', (date, _name, production, postal) => {
    expect(isProductionDay(date)).toBe(production);
    expect(isPostalWorkingDay(date)).toBe(postal);
  });

  it.each<[CivilDate, CivilDate]>([
    ['2026-03-05', '2026-03-06'], // Thursday → Friday
    ['2026-03-06', '2026-03-09'], // Friday → Monday
    ['2026-03-07', '2026-03-09'], // Saturday → Monday
    ['2026-04-03', '2026-04-07'], // Friday before Easter Monday → Tuesday
    ['2026-05-13', '2026-05-15'], // before Ascension → Friday
    ['2026-12-31', '2027-01-04'], // New Year's Day, then a weekend
  ])('next production day after %s is %s', (date, next) => {
    expect(nextProductionDay(date)).toBe(next);
  });

  it.each<[CivilDate, number, CivilDate]>([
    ['2026-03-04', 0, '2026-03-04'],
    ['2026-03-04', 2, '2026-03-06'],
    ['2026-03-06', 1, '2026-03-07'], // Saturday counts
    ['2026-03-06', 2, '2026-03-09'], // Sunday does not
    ['2025-12-31', 1, '2026-01-02'], // skips New Year's Day
    ['2026-07-13', 1, '2026-07-15'], // skips 14 July
    ['2026-08-14', 1, '2026-08-17'], // Assumption on a Saturday, then Sunday
    ['2026-04-04', 1, '2026-04-07'], // Easter Sunday and Monday
  ])('%s + %i postal working days = %s', (date, n, expected) => {
    expect(addPostalWorkingDays(date, n)).toBe(expected);
  });

  it('takes the provider’s own closures', () => {
    const closures = new Set(['2026-03-09']);
    const isHoliday = (date: CivilDate) => closures.has(date) || isFrenchPublicHoliday(date);
    expect(nextProductionDay('2026-03-06', isHoliday)).toBe('2026-03-10');
    expect(addPostalWorkingDays('2026-03-06', 2, isHoliday)).toBe('2026-03-10');
  });

  it.each([-1, 1.5])('refuses %s postal working days', (n) => {
    expect(() => addPostalWorkingDays('2026-03-06', n)).toThrow(RangeError);
  });
});

describe('versionsFrom: what applies on a date or later', () => {
  const v = (effectiveFrom: string) => ({ effectiveFrom });
  const [jan, jul, next] = [v('2026-01-01'), v('2026-07-01'), v('2027-01-01')];
  it.each<[string, Array<{ effectiveFrom: string }>]>([
    ['2025-06-01', [jan, jul, next]],
    ['2026-03-01', [jan, jul, next]],
    ['2026-07-01', [jul, next]],
    ['2027-02-01', [next]],
  ])('from %s', (date, expected) => expect(versionsFrom([next, jan, jul], date)).toEqual(expected));
});
