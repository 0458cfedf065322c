// Dates as people read them, in the interface language. The API speaks RFC 3339 (UTC) and
// ISO dates (YYYY-MM-DD, calendar days with no time zone).

function locale(language: string): string {
  return language === 'en' ? 'en-GB' : 'fr-FR';
}

/** A calendar day (`2026-03-01`) → « 1 mars 2026 » / "1 March 2026". */
export function formatDay(isoDate: string, language: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  if (!y || !m || !d) return isoDate;
  return new Intl.DateTimeFormat(locale(language), { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** An instant → date and time in the browser's time zone. */
export function formatDateTime(timestamp: string, language: string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return timestamp;
  return new Intl.DateTimeFormat(locale(language), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** Today as an ISO calendar day in the browser's time zone (a date input's value). */
export function todayIso(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * A deadline that falls at a Paris midnight (an e-letter's window: the end of D+15) → the last
 * day it leaves, as the law counts it: « 22 décembre 2026 » / "22 December 2026", wherever the
 * browser is.
 */
export function formatLastParisDay(instant: string, language: string): string {
  const date = new Date(new Date(instant).getTime() - 1);
  if (Number.isNaN(date.getTime())) return instant;
  return new Intl.DateTimeFormat(locale(language), { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(date);
}

/** An instant → the time of day with seconds (a scan log's clock): « 14:03:27 ». */
export function formatClock(date: Date, language: string): string {
  return new Intl.DateTimeFormat(locale(language), { timeStyle: 'medium' }).format(date);
}
