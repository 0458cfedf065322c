import { describe, expect, it } from 'vitest';
import { isFrenchPublicHoliday, type CivilDate } from './calendar.js';
import { DEFAULT_FLOOR_SETTINGS } from '../production/batching.js';
import { DEFAULT_PRODUCTION_RULES, deliveryDaysOf } from './production-rules.js';
import { DEFAULT_CUTOFF, depositCutoff, estimateDelivery, type DeliveryRules } from './delivery.js';
import type { MailClass } from './postage.js';

describe('estimateDelivery', () => {
  // The spec's example cut-off (16:00); the server passes the floor's own.
  const SPEC_RULES: DeliveryRules = { cutoff: '16:00', deliveryDays: deliveryDaysOf(DEFAULT_PRODUCTION_RULES), isHoliday: isFrenchPublicHoliday };

  // 2026: Easter Monday 6 April, Ascension Thursday 14 May, 14 July a Tuesday,
  // 15 August a Saturday, 1 January 2027 a Friday.
  it.each<[string, CivilDate, string, MailClass, CivilDate, CivilDate]>([
    ['Wednesday morning, priority', '2026-03-04', '10:00', 'priority', '2026-03-04', '2026-03-06'],
    ['Wednesday morning, registered (priority speed)', '2026-03-04', '10:00', 'registered', '2026-03-04', '2026-03-06'],
    ['Wednesday morning, non-priority', '2026-03-04', '10:00', 'non_priority', '2026-03-04', '2026-03-09'],
    ['midnight counts as before the cut-off', '2026-03-04', '00:00', 'priority', '2026-03-04', '2026-03-06'],
    ['one minute before the cut-off', '2026-03-04', '15:59', 'priority', '2026-03-04', '2026-03-06'],
    ['exactly at the cut-off: next day', '2026-03-04', '16:00', 'priority', '2026-03-05', '2026-03-07'],
    ['late evening', '2026-03-04', '23:59', 'priority', '2026-03-05', '2026-03-07'],
    ['Friday before the cut-off: Saturday is a postal day', '2026-03-06', '15:59', 'priority', '2026-03-06', '2026-03-09'],
    ['Friday after the cut-off: deposited Monday', '2026-03-06', '17:00', 'priority', '2026-03-09', '2026-03-11'],
    ['Friday after the cut-off, non-priority', '2026-03-06', '17:00', 'non_priority', '2026-03-09', '2026-03-13'],
    ['Saturday: no production', '2026-03-07', '09:00', 'priority', '2026-03-09', '2026-03-11'],
    ['Sunday: no production', '2026-03-08', '09:00', 'non_priority', '2026-03-09', '2026-03-13'],
    ['day before Ascension, before the cut-off', '2026-05-13', '10:00', 'priority', '2026-05-13', '2026-05-16'],
    ['day before Ascension, after the cut-off', '2026-05-13', '16:30', 'priority', '2026-05-15', '2026-05-18'],
    ['on a holiday (1 May, Friday)', '2026-05-01', '09:00', 'priority', '2026-05-04', '2026-05-06'],
    ['Good Friday works, Easter Monday does not', '2026-04-03', '10:00', 'priority', '2026-04-03', '2026-04-07'],
    ['Easter week: Friday after the cut-off', '2026-04-03', '18:00', 'priority', '2026-04-07', '2026-04-09'],
    ['Easter Monday itself', '2026-04-06', '09:00', 'non_priority', '2026-04-07', '2026-04-11'],
    ['eve of 14 July', '2026-07-13', '10:00', 'priority', '2026-07-13', '2026-07-16'],
    ['eve of 14 July after the cut-off', '2026-07-13', '16:00', 'priority', '2026-07-15', '2026-07-17'],
    ['Assumption on a Saturday, non-priority', '2026-08-14', '10:00', 'non_priority', '2026-08-14', '2026-08-20'],
    ['year end: 30 Dec → 2 Jan skipping 1 Jan', '2026-12-30', '10:00', 'priority', '2026-12-30', '2027-01-02'],
    ['year end: 31 Dec before the cut-off', '2025-12-31', '11:00', 'priority', '2025-12-31', '2026-01-03'],
    ['year end: 31 Dec after the cut-off', '2026-12-31', '16:01', 'priority', '2027-01-04', '2027-01-06'],
  ])('%s', (_label, date, time, mailClass, depositDate, deliveryDate) => {
    expect(estimateDelivery({ submittedAt: { date, time }, mailClass }, SPEC_RULES)).toEqual({ depositDate, deliveryDate });
  });

  it('follows edited rules: cut-off, delays and closures', () => {
    const rules: DeliveryRules = {
      cutoff: '12:00',
      deliveryDays: { ...SPEC_RULES.deliveryDays, non_priority: 3 },
      isHoliday: (date) => date === '2026-03-05' || isFrenchPublicHoliday(date),
    };
    expect(estimateDelivery({ submittedAt: { date: '2026-03-04', time: '12:00' }, mailClass: 'non_priority' }, rules)).toEqual({
      depositDate: '2026-03-06',
      deliveryDate: '2026-03-10',
    });
  });

  it.each([
    ['2026-03-04', '24:00'],
    ['2026-03-04', '9:30'],
    ['2026-03-04', '09:30:00'],
    ['2026-02-30', '09:30'],
  ])('refuses %s %s', (date, time) => {
    expect(() => estimateDelivery({ submittedAt: { date, time }, mailClass: 'priority' }, SPEC_RULES)).toThrow(RangeError);
  });
});

describe('depositCutoff: the floor’s latest cut-off of the day', () => {
  it.each<[string, string[], string]>([
    ['the floor’s defaults', DEFAULT_FLOOR_SETTINGS.cutoffs, '15:30'],
    ['out of order', ['17:00', '09:30', '12:15'], '17:00'],
    ['one cut-off', ['10:00'], '10:00'],
    ['none (closed by hand): the default', [], DEFAULT_CUTOFF],
  ])('%s', (_label, cutoffs, expected) => expect(depositCutoff(cutoffs)).toBe(expected));

  it('the default estimate agrees with the floor’s default cut-offs', () => {
    expect(DEFAULT_CUTOFF).toBe(depositCutoff(DEFAULT_FLOOR_SETTINGS.cutoffs));
  });
});
