import { AppError, message } from '../../../errors.js';
import type { Message, PlainKey } from '../../../i18n/index.js';

/**
 * What the CSV and XLSX readers both produce: the rows of the sheet as the person sees them.
 * `line` is the spreadsheet row number (1-based), so that "line 7" in a message is row 7 when the
 * person opens the file; blank rows are kept out but never renumber the others.
 */
export interface GridRow {
  line: number;
  cells: string[];
}

// Zero-width characters come with text copied from web pages and mail clients; they are invisible
// to the person but would make "jean@x.fr" and "jean@x.fr\u200b" two different addresses.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;
// C0/C1 control characters (tab, CR and LF included: inside a cell they only ever mean a line break
// typed in the cell, which must not survive into a name or an address).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;

/** A cell as we compare and store it: invisible characters removed, every kind of space (NBSP
 * included, spreadsheets love it) turned into one plain space, trimmed. */
export function cleanCell(value: string): string {
  if (value === '') return value;
  return value.replace(INVISIBLE, '').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

export function isBlankRow(cells: readonly string[]): boolean {
  return cells.every((c) => cleanCell(c) === '');
}

/** Spreadsheet column letters (0 → A, 26 → AA), to name columns the way the person sees them. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function shorten(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

/** Quotes a value from the file inside a message, shortened so one absurd cell cannot flood it. */
export function quote(value: string, max = 60): string {
  return `"${shorten(value, max)}"`;
}

/** The same, for a refusal: quoted the way of the answer's language ("…" or « … »). */
export function quoted(value: string, max = 60): Message {
  return message('text.quoted', { text: shorten(value, max) });
}

export function businessRule(detail: Message | PlainKey, opts: ConstructorParameters<typeof AppError>[2] = {}): AppError {
  return new AppError('business_rule', detail, opts);
}

/** A size for a message: "5 MB", "5.1 MB", "20 KB" ("5,1 Mo" in French). `roundUp` for the size
 * of what is refused, so that a file just over a 5 MB limit reads "5.1 MB", not "5 MB; at most 5 MB". */
export function formatSize(bytes: number, roundUp = false): Message {
  const round = (n: number): number => (roundUp ? Math.ceil(n * 10) / 10 : Math.round(n * 10) / 10);
  if (bytes >= 1024 * 1024) return message('size.mb', { n: round(bytes / (1024 * 1024)) });
  if (bytes >= 1024) return message('size.kb', { n: Math.round(round(bytes / 1024)) });
  return message('size.bytes', { n: bytes });
}
