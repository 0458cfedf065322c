/** Delivery estimate (spec §9): deposit day D, then D + n postal working days per class. */
import { addPostalWorkingDays, isProductionDay, nextProductionDay, parseCivilDate } from './calendar.js';
import type { CivilDate, HolidayPredicate } from './calendar.js';
import type { MailClass } from './postage.js';

export interface DeliveryRules {
  /** 'HH:MM', Europe/Paris wall-clock time. An order submitted strictly before it, on a
   * production day, is deposited that day. */
  cutoff: string;
  /** Postal working days from deposit to delivery, per class (the contract's D+n): the
   * production rules in force (ProductionRules.classes). */
  deliveryDays: Record<MailClass, number>;
  isHoliday: HolidayPredicate;
}

/** The floor's last default cut-off (DEFAULT_FLOOR_SETTINGS): the server reads the floor's own. */
export const DEFAULT_CUTOFF = '15:30';

export interface DeliveryInput {
  /** The submission instant as Europe/Paris local date and time. The caller converts from UTC
   * (the server has Intl and the time-zone database): the cut-off is a time on the production
   * floor's wall clock, so 15:30 in Paris must mean 15:30 in winter and in summer alike, and
   * this pure module neither reads a clock nor carries time-zone rules that change by decree. */
  submittedAt: { date: CivilDate; time: string };
  mailClass: MailClass;
}

export interface DeliveryEstimate {
  depositDate: CivilDate;
  deliveryDate: CivilDate;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(time: string): number {
  const match = HH_MM.exec(time);
  if (!match) throw new RangeError(`Not a time of day (HH:MM): ${JSON.stringify(time)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * The deposit cut-off is the floor's: its last batches of a day close at its latest cut-off, so
 * a letter submitted before it is printed and deposited that day, one after it the next
 * production day. No cut-off at all (batches closed by hand): the default.
 */
export function depositCutoff(floorCutoffs: readonly string[]): string {
  const valid = floorCutoffs.filter((c) => HH_MM.test(c));
  return valid.length === 0 ? DEFAULT_CUTOFF : [...valid].sort().at(-1)!;
}

export function estimateDelivery(input: DeliveryInput, rules: DeliveryRules): DeliveryEstimate {
  const { date, time } = input.submittedAt;
  parseCivilDate(date);
  // "Before the cut-off" is strictly before: at 16:00 exactly the day's batches are closed, so
  // an order submitted at 16:00 waits for the next production day, as one at 16:00:30 does
  // (times arrive to the minute).
  const beforeCutoff = minutesOf(time) < minutesOf(rules.cutoff);
  const depositDate =
    beforeCutoff && isProductionDay(date, rules.isHoliday) ? date : nextProductionDay(date, rules.isHoliday);
  const deliveryDate = addPostalWorkingDays(depositDate, rules.deliveryDays[input.mailClass], rules.isHoliday);
  return { depositDate, deliveryDate };
}
