import { parse } from 'csv-parse/sync';
import { message, type AppError } from '../../../errors.js';
import { toMessage, type Message, type PlainKey } from '../../../i18n/index.js';
import { businessRule, isBlankRow, type GridRow } from './grid.js';

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'windows-1252' | 'utf-16le' | 'utf-16be';
export type CsvSeparator = ';' | ',' | '\t';

export interface CsvGrid {
  encoding: CsvEncoding;
  /** null when no line of the file has any of `;`, `,` or a tab: a one-column file. */
  separator: CsvSeparator | null;
  rows: GridRow[];
}

function notText(reason: Message | PlainKey): AppError {
  return businessRule(message('csv.not_text', { reason: toMessage(reason) }));
}

// Node's TextDecoder('windows-1252') decodes 0x80–0x9F as Latin-1 C1 controls (it is Latin-1
// under that name), which would turn "Œ", "œ", "’", "€" or "–" into invisible junk. The real
// Windows-1252 characters for that range; the five holes of the code page stay as they are.
const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

function decodeWindows1252(bytes: Uint8Array): string {
  return new TextDecoder('windows-1252').decode(bytes).replace(/[\u0080-\u009F]/g, (c) => CP1252_80_9F[c.charCodeAt(0) - 0x80] ?? c);
}

function strictDecode(encoding: 'utf-8' | 'utf-16le' | 'utf-16be', bytes: Uint8Array): string | null {
  try {
    // ignoreBOM: the BOM has already been looked at and cut off by the caller.
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function startsWith(bytes: Uint8Array, ...prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/**
 * Bytes to text. A byte-order mark decides when there is one; otherwise strict UTF-8 (which
 * Windows-1252 accented letters never pass by accident), else Windows-1252, what Excel writes
 * for "CSV (separator: semicolon)" on a French Windows.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  let text: string | null;
  let encoding: CsvEncoding;
  if (startsWith(bytes, 0xef, 0xbb, 0xbf)) {
    encoding = 'utf-8-bom';
    text = strictDecode('utf-8', bytes.subarray(3));
    if (text === null) throw notText('csv.bad_utf8');
  } else if (startsWith(bytes, 0xff, 0xfe) || startsWith(bytes, 0xfe, 0xff)) {
    encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    const body = bytes.subarray(2);
    text = body.length % 2 === 0 ? strictDecode(encoding, body) : null;
    if (text === null) throw notText('csv.bad_utf16');
  } else {
    // A NUL byte never occurs in 8-bit text: binary data, or UTF-16 that lost its byte-order mark.
    if (bytes.includes(0)) throw notText('csv.nul_bytes');
    text = strictDecode('utf-8', bytes);
    encoding = 'utf-8';
    if (text === null) {
      text = decodeWindows1252(bytes);
      encoding = 'windows-1252';
    }
  }
  assertMostlyPrintable(text);
  return { text, encoding };
}

/** Binary junk without NUL bytes still decodes (Windows-1252 accepts any byte); what gives it away
 * is a share of control characters no spreadsheet export contains. A stray one (an old DOS
 * end-of-file mark) is tolerated. */
function assertMostlyPrintable(text: string): void {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f) || c === 0xfffd) controls++;
  }
  if (controls > Math.max(2, text.length * 0.02)) {
    throw notText(message('csv.control_characters', { controls, length: text.length }));
  }
}

const SEPARATORS: readonly CsvSeparator[] = [';', '\t', ','];

/**
 * The separator of the heading line: the most frequent of `;`, tab and `,` outside quotes. A line
 * without any (a title line above the headings) gives way to the next one. On a tie `;` wins,
 * then tab: a French Excel writes `;`, and a comma is the one most likely to sit inside a name.
 */
export function detectSeparator(text: string): CsvSeparator | null {
  const counts = new Map<CsvSeparator, number>(SEPARATORS.map((s) => [s, 0]));
  let inQuotes = false;
  let linesSeen = 0;
  let lineHasText = false;
  const limit = Math.min(text.length, 256 * 1024);
  const decide = (): CsvSeparator | null => {
    let best: CsvSeparator | null = null;
    for (const s of SEPARATORS) if ((counts.get(s) ?? 0) > (best === null ? 0 : (counts.get(best) ?? 0))) best = s;
    return best;
  };
  for (let i = 0; i <= limit; i++) {
    const ch = i < limit ? text[i] : '\n';
    if (ch === '"') {
      inQuotes = !inQuotes;
      lineHasText = true;
    } else if (!inQuotes && (ch === '\n' || ch === '\r')) {
      if (lineHasText) {
        const found = decide();
        if (found !== null) return found;
        if (++linesSeen >= 10) return null;
      }
      lineHasText = false;
    } else if (!inQuotes && (ch === ';' || ch === ',' || ch === '\t')) {
      counts.set(ch, (counts.get(ch) ?? 0) + 1);
      lineHasText = true;
    } else if (ch !== ' ') {
      lineHasText = true;
    }
  }
  return null;
}

function csvErrorDetail(e: { code?: unknown; records?: unknown; message: string }): Message {
  // csv-parse counts the records it completed: the broken one is the next spreadsheet row.
  const line = (typeof e.records === 'number' ? e.records : 0) + 1;
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
    return message('csv.quote_not_closed', { line: String(line) });
  }
  // The parser's own words are English only; they stay as they are, for support.
  return message('csv.parse_error', { line: String(line), reason: e.message.replace(/\.$/, '') });
}

export function readCsv(bytes: Uint8Array): CsvGrid {
  const { text, encoding } = decodeText(bytes);
  const separator = detectSeparator(text);
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: separator ?? ';',
      // Spreadsheets drop trailing empty cells, so rows are of uneven length; a stray quote inside
      // an unquoted cell (Jean "Jeannot") is taken literally instead of failing the file.
      relax_column_count: true,
      relax_quotes: true,
      trim: true,
      // Empty lines are kept as records so that a record's index is its spreadsheet row number.
      skip_empty_lines: false,
    });
  } catch (e) {
    if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('CSV_')) {
      throw businessRule(csvErrorDetail(e), { cause: e });
    }
    throw businessRule('csv.unreadable', { cause: e });
  }
  const rows: GridRow[] = [];
  for (let i = 0; i < records.length; i++) {
    const cells = records[i]!;
    if (!isBlankRow(cells)) rows.push({ line: i + 1, cells });
  }
  return { encoding, separator, rows };
}
