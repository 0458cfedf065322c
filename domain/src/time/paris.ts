/**
 * Calendar days in Europe/Paris, the customer's time: deadlines counted in days (an e-letter's 15
 * days, a support desk's opening hours) end at a Paris midnight, whatever the season. Pure: the
 * time zone rules come from the JavaScript engine's Intl data, no I/O.
 */
const FORMAT = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function wallClock(at: Date): { date: string; ms: number } {
  const p = Object.fromEntries(FORMAT.formatToParts(at).map((x) => [x.type, x.value]));
  const date = `${p.year}-${p.month}-${p.day}`;
  return { date, ms: Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) };
}

/** An instant as Paris writes it: its wall clock and offset, e.g. `2026-12-03T10:21:00+01:00`. */
export function parisIso(at: Date): string {
  const wall = wallClock(at);
  const offset = Math.round((wall.ms - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
  const abs = Math.abs(offset);
  return `${new Date(wall.ms).toISOString().slice(0, 19)}${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The Paris calendar day an instant falls on, `YYYY-MM-DD`. */
export function parisDay(at: Date): string {
  return wallClock(at).date;
}

/** `YYYY-MM-DD` plus `days` calendar days. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The instant a Paris calendar day starts (its 00:00 in Paris, 23:00 or 22:00 the day before in UTC). */
export function parisMidnight(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const naive = Date.UTC(y, m - 1, d);
  // Paris is ahead of UTC by one or two hours; its clocks never change at midnight.
  let guess = naive;
  for (let i = 0; i < 2; i += 1) {
    const offset = wallClock(new Date(guess)).ms - guess;
    guess = naive - offset;
  }
  return new Date(guess);
}
