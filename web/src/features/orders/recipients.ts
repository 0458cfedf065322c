// Recipients typed, pasted or imported as text. Two forms, which can be mixed:
// - one block of lines per recipient, blocks separated by a blank line, one address line per
//   line (NF Z10-011: at most 6), and for an address outside France a last line
//   `pays : BE` / `country: BE` (ISO 3166 code);
// - a spreadsheet export: one recipient per row, address lines separated by `;` (or tabs),
//   the last field optionally a two-letter country code.
import type { Recipient } from './api';

/** NF Z10-011: at most 6 lines; the country, when not France, is given apart. */
export const MAX_ADDRESS_LINES = 6;

/** A recipient as edited on the page: the address as text, one line per line. */
export interface RecipientRow {
  key: number;
  address: string;
  country: string;
}

export type RowProblem = 'too_many_lines' | 'bad_country';

const COUNTRY_LINE = /^(?:pays|country)\s*:\s*([a-z]{2})$/i;
const ISO_CODE = /^[A-Z]{2}$/;

let nextKey = 1;

export function newRow(address = '', country = 'FR'): RecipientRow {
  nextKey += 1;
  return { key: nextKey, address, country };
}

export function rowLines(row: RecipientRow): string[] {
  return row.address
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

export function rowProblem(row: RecipientRow): RowProblem | null {
  if (rowLines(row).length > MAX_ADDRESS_LINES) return 'too_many_lines';
  if (!ISO_CODE.test(row.country.trim().toUpperCase())) return 'bad_country';
  return null;
}

/** The rows to send: empty rows are left out (a row being typed), the others as the API wants them. */
export function toRecipients(rows: readonly RecipientRow[]): Recipient[] {
  return rows
    .map((row) => ({ address: rowLines(row), country: row.country.trim().toUpperCase() || 'FR' }))
    .filter((recipient) => recipient.address.length > 0);
}

export function fromRecipients(recipients: readonly Recipient[]): RecipientRow[] {
  return recipients.map((r) => newRow(r.address.join('\n'), r.country));
}

export interface ParsedRecipients {
  rows: RecipientRow[];
  /** 1-based numbers of the blocks (or rows) left out, and why. */
  refused: Array<{ number: number; problem: RowProblem }>;
}

function unquote(field: string): string {
  const trimmed = field.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).replace(/""/g, '"').trim() : trimmed;
}

export function parseRecipients(text: string): ParsedRecipients {
  const rows: RecipientRow[] = [];
  const refused: ParsedRecipients['refused'] = [];
  let number = 0;
  const keep = (lines: string[], country: string) => {
    number += 1;
    const row = newRow(lines.join('\n'), country);
    const problem = rowProblem(row);
    if (problem) refused.push({ number, problem });
    else rows.push(row);
  };

  const blocks = text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/);
  for (const block of blocks) {
    const lines = block
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    if (lines.length === 0) continue;
    if (lines.every((line) => line.includes(';') || line.includes('\t'))) {
      for (const line of lines) {
        const fields = line.split(/[;\t]/).map(unquote).filter((field) => field !== '');
        const last = fields[fields.length - 1] ?? '';
        const country = fields.length > 1 && ISO_CODE.test(last) ? (fields.pop() ?? 'FR') : 'FR';
        if (fields.length > 0) keep(fields, country);
      }
      continue;
    }
    const countryMatch = COUNTRY_LINE.exec(lines[lines.length - 1] ?? '');
    if (countryMatch) lines.pop();
    keep(lines, countryMatch ? countryMatch[1]!.toUpperCase() : 'FR');
  }
  return { rows, refused };
}
