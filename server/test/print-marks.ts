import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Renders the mark zone of a page at 300 dpi and decodes its DataMatrix with dmtxread. */
export function readMark(pdf: string, page: number): string {
  const out = path.join(path.dirname(pdf), `mark-${path.basename(pdf)}-${page}`);
  // x 0–12 mm, y 95–205 mm at 300 dpi.
  execFileSync('pdftoppm', ['-r', '300', '-png', '-singlefile', '-f', String(page), '-l', String(page), '-x', '0', '-y', '1122', '-W', '142', '-H', '1299', pdf, out]);
  return execFileSync('dmtxread', ['-n', `${out}.png`]).toString().trim();
}

/** The text of each page as pdftotext reads it, white space folded (an outside judge's reading). */
export function pageTexts(pdf: string): string[] {
  const pages = execFileSync('pdftotext', ['-layout', pdf, '-']).toString().split('\f');
  if (pages.at(-1)?.trim() === '') pages.pop();
  return pages.map((p) => p.replace(/\s+/g, ' ').trim());
}
