// Money and rates as the tariff page shows and reads them. The API speaks integer cents and
// VAT in basis points (2000 = 20 %); people read and type euros and percents. What is typed is
// read digit by digit, never through floating point: « 0,10 » is exactly 10 cents.

/** contracts/src/tariffs.ts: a price is at most 100,000.00 €, a VAT rate at most 100 %. */
export const MAX_CENTS = 10_000_000;
export const MAX_BASIS_POINTS = 10_000;

function locale(language: string): string {
  return language === 'en' ? 'en-GB' : 'fr-FR';
}

function decimalSign(language: string): string {
  return language === 'en' ? '.' : ',';
}

/** 123 → « 1,23 € » / "€1.23". */
export function formatEuros(cents: number, language: string): string {
  return new Intl.NumberFormat(locale(language), { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/** 2000 → « 20 % » / "20%"; 550 → « 5,5 % ». */
export function formatRate(basisPoints: number, language: string): string {
  return new Intl.NumberFormat(locale(language), { style: 'percent', maximumFractionDigits: 2 }).format(basisPoints / 10_000);
}

/** 9 → « 0,09 » / "0.09": the text of an amount field, without grouping or currency sign. */
export function centsToText(cents: number, language: string): string {
  return `${Math.trunc(cents / 100)}${decimalSign(language)}${String(cents % 100).padStart(2, '0')}`;
}

/** 2000 → « 20 », 550 → « 5,5 », 1234 → « 12,34 »: the text of a rate field. */
export function basisPointsToText(basisPoints: number, language: string): string {
  const whole = Math.trunc(basisPoints / 100);
  const hundredths = basisPoints % 100;
  if (hundredths === 0) return String(whole);
  return `${whole}${decimalSign(language)}${String(hundredths).padStart(2, '0').replace(/0$/, '')}`;
}

// Spaces (thin, non-breaking, ordinary) and the unit sign may be typed along with the number;
// either decimal sign is accepted whatever the interface language.
const EUROS = /^(\d{1,9})(?:[.,](\d{0,2}))?$/;
const PERCENT = /^(\d{1,3})(?:[.,](\d{0,2}))?$/;

/** Whole units and up to two decimals, as an integer count of hundredths; null if unreadable. */
function hundredths(text: string, pattern: RegExp, unit: string): number | null {
  const compact = text.replace(/[\s\u00a0\u202f]/g, '').replace(unit, '');
  const match = pattern.exec(compact);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** « 1,23 », "1.23", « 1 € », « 0,5 » → 123, 123, 100, 50 cents; null if it is not an amount. */
export function parseEuros(text: string): number | null {
  return hundredths(text, EUROS, '€');
}

/** « 20 », « 5,5 », "5.5 %" → 2000, 550, 550 basis points; null if it is not a rate. */
export function parseRate(text: string): number | null {
  return hundredths(text, PERCENT, '%');
}

/** Today's calendar day in Paris, the day the server prices orders on (parisWallClock). */
export function parisToday(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
