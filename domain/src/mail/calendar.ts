/** Production and postal calendars (spec §9 "Delivery estimate"). Dates are plain calendar
 * dates, 'YYYY-MM-DD' strings, and every computation is integer day arithmetic: a JavaScript
 * Date carries a time and a time zone, and a midnight in Paris is the previous day in UTC,
 * which is exactly the kind of off-by-one a delivery date must not have. */

/** A calendar date, 'YYYY-MM-DD' (ISO 8601), with no time and no time zone. */
export type CivilDate = string;

/** Monday = 1 … Sunday = 7 (ISO 8601). */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface PublicHoliday {
  date: CivilDate;
  name: string;
}

/** Holidays on the same date every year (Code du travail, art. L3133-1). */
export const FIXED_HOLIDAYS: ReadonlyArray<{ month: number; day: number; name: string }> = [
  { month: 1, day: 1, name: "New Year's Day" },
  { month: 5, day: 1, name: 'Labour Day' },
  { month: 5, day: 8, name: 'Victory in Europe Day' },
  { month: 7, day: 14, name: 'Bastille Day' },
  { month: 8, day: 15, name: 'Assumption' },
  { month: 11, day: 1, name: "All Saints' Day" },
  { month: 11, day: 11, name: 'Armistice Day' },
  { month: 12, day: 25, name: 'Christmas Day' },
];

/** Holidays that follow Easter Sunday. Good Friday and 26 December (Alsace-Moselle only) are
 * not national holidays; a provider there passes its own isHoliday predicate. */
export const EASTER_HOLIDAYS: ReadonlyArray<{ daysAfterEaster: number; name: string }> = [
  { daysAfterEaster: 1, name: 'Easter Monday' },
  { daysAfterEaster: 39, name: 'Ascension Day' },
  { daysAfterEaster: 50, name: 'Whit Monday' },
];

/** Gregorian dates with a four-digit year: what the ISO string can spell and Easter applies to. */
const FIRST_YEAR = 1583;
const LAST_YEAR = 9999;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface CivilDateParts {
  year: number;
  month: number;
  day: number;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Checks the date and splits it; throws RangeError on anything but a real 'YYYY-MM-DD' day. */
export function parseCivilDate(date: CivilDate): CivilDateParts {
  const match = ISO_DATE.exec(date);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  if (!match || year < FIRST_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  }
  return { year, month, day };
}

function format({ year, month, day }: CivilDateParts): CivilDate {
  if (year < FIRST_YEAR || year > LAST_YEAR) throw new RangeError(`Year out of range: ${year}`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function isCivilDate(value: string): boolean {
  try {
    parseCivilDate(value);
    return true;
  } catch {
    return false;
  }
}

/** Days since 1970-01-01 (H. Hinnant's days_from_civil): integer arithmetic, no Date. */
function toDayNumber({ year, month, day }: CivilDateParts): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const shiftedMonth = (month + 9) % 12; // March = 0, so the leap day ends the year
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function fromDayNumber(dayNumber: number): CivilDateParts {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1_460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function addDays(date: CivilDate, days: number): CivilDate {
  if (!Number.isInteger(days)) throw new RangeError(`days must be a whole number, got ${days}`);
  return format(fromDayNumber(toDayNumber(parseCivilDate(date)) + days));
}

export function weekday(date: CivilDate): Weekday {
  // 1970-01-01 (day 0) was a Thursday.
  return (((((toDayNumber(parseCivilDate(date)) + 3) % 7) + 7) % 7) + 1) as Weekday;
}

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): CivilDate {
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) {
    throw new RangeError(`year must be between ${FIRST_YEAR} and ${LAST_YEAR}, got ${year}`);
  }
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return format({ year, month, day });
}

/** The French national public holidays of a year, in date order. */
export function frenchPublicHolidays(year: number): PublicHoliday[] {
  const easter = easterSunday(year);
  const fixed = FIXED_HOLIDAYS.map(({ month, day, name }) => ({ date: format({ year, month, day }), name }));
  const moving = EASTER_HOLIDAYS.map(({ daysAfterEaster, name }) => ({ date: addDays(easter, daysAfterEaster), name }));
  // ISO strings sort as dates.
  return [...fixed, ...moving].sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
}

export function isFrenchPublicHoliday(date: CivilDate): boolean {
  const { year } = parseCivilDate(date);
  return frenchPublicHolidays(year).some((holiday) => holiday.date === date);
}

/** Which days are holidays: French national ones by default; a provider with other closures
 * (Alsace-Moselle, an inventory day) passes its own. */
export type HolidayPredicate = (date: CivilDate) => boolean;

/** The production floor works Monday to Friday. */
export function isProductionDay(date: CivilDate, isHoliday: HolidayPredicate = isFrenchPublicHoliday): boolean {
  return weekday(date) <= 5 && !isHoliday(date);
}

/** La Poste delivers Monday to Saturday. */
export function isPostalWorkingDay(date: CivilDate, isHoliday: HolidayPredicate = isFrenchPublicHoliday): boolean {
  return weekday(date) <= 6 && !isHoliday(date);
}

/** The first production day strictly after `date`. */
export function nextProductionDay(date: CivilDate, isHoliday: HolidayPredicate = isFrenchPublicHoliday): CivilDate {
  let day = addDays(date, 1);
  while (!isProductionDay(day, isHoliday)) day = addDays(day, 1);
  return day;
}

/** The n-th postal working day after `date` (n = 0 gives `date` itself): the day of deposit
 * does not count, as in La Poste's "J+n". */
export function addPostalWorkingDays(date: CivilDate, n: number, isHoliday: HolidayPredicate = isFrenchPublicHoliday): CivilDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number of at least 0, got ${n}`);
  let day = date;
  parseCivilDate(day);
  for (let counted = 0; counted < n; ) {
    day = addDays(day, 1);
    if (isPostalWorkingDay(day, isHoliday)) counted += 1;
  }
  return day;
}

/** The version of effective-dated data (tariffs, production rules) in force on a date: the
 * latest effectiveFrom on or before it; null before the first. Two versions from the same day
 * would make the answer depend on list order, so that is refused rather than guessed. */
export function versionOn<T extends { effectiveFrom: CivilDate }>(versions: readonly T[], date: CivilDate): T | null {
  parseCivilDate(date);
  let best: T | null = null;
  for (const version of versions) {
    parseCivilDate(version.effectiveFrom);
    // ISO dates compare as strings.
    if (version.effectiveFrom <= date && (!best || version.effectiveFrom > best.effectiveFrom)) best = version;
  }
  const from = best?.effectiveFrom;
  if (from && versions.filter((version) => version.effectiveFrom === from).length > 1) {
    throw new RangeError(`Two versions take effect on ${from}`);
  }
  return best;
}

/** The versions that apply on a date or after it, oldest first: the one in force then, and
 * every later one. */
export function versionsFrom<T extends { effectiveFrom: CivilDate }>(versions: readonly T[], date: CivilDate): T[] {
  const inForce = versionOn(versions, date);
  const later = versions.filter((version) => version.effectiveFrom > date).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1));
  return [...(inForce ? [inForce] : []), ...later];
}
