/**
 * CSV as French offices open it: UTF-8 with a byte-order mark (the spreadsheet then reads the
 * accents), semicolons between cells (the comma is the decimal mark), CRLF line ends, and no
 * cell a spreadsheet could take for a formula (CSV injection: a leading = + - @ is quoted away).
 */
export const CSV_BOM = '\ufeff';

export function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[;"\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(values: ReadonlyArray<string | number | null | undefined>): string {
  return values.map(csvCell).join(';') + '\r\n';
}
