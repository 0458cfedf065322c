import { FORMAT_NAMES, pageFormat } from '#domain/documents/geometry.js';
import { AppError, message } from '../../errors.js';
import type { Message, Param, PlainKey } from '../../i18n/index.js';
import { scanPage } from '../../platform/pdf/page-scan.js';
import { linesInZone, openPdfJs, zoneHasInk } from '../../platform/pdf/pdfjs.js';
import { PdfTooComplexError, PdfUnreadableError, readPdfStructure, withBalancedPageTree } from '../../platform/pdf/pdf-structure.js';
import type { DocumentAddress } from '../../platform/db/schema.js';
import type { DocumentRules } from './documents.rules.js';

/**
 * The one inspection of an uploaded PDF (api.md): refuse what Pli cannot print as is, with the
 * reason; read the address in the window of page 1; warn about what may print differently.
 * Nothing here changes the document.
 */
export interface Inspection {
  pages: number;
  address: DocumentAddress;
  warnings: string[];
  /** The text lines in the window zone of every page (where a run of letters splits). */
  pageWindows: string[][];
}

export type AddressChecker = (lines: string[]) => DocumentAddress['problems'];

const refuse = (detail: Message | PlainKey) => new AppError('business_rule', detail);

function listPages(pages: number[]): Param {
  const shown = pages.slice(0, 5).join(', ');
  return pages.length > 5 ? message('document.pages_and_more', { pages: shown, more: pages.length - 5 }) : shown;
}

export async function inspectPdf(bytes: Uint8Array, rules: DocumentRules, checkAddress: AddressChecker): Promise<Inspection> {
  if (bytes.length === 0) throw refuse('document.empty');
  let structure;
  try {
    structure = await readPdfStructure(bytes);
  } catch (err) {
    if (err instanceof PdfUnreadableError) throw refuse('document.pdf_damaged_structure');
    if (err instanceof PdfTooComplexError) {
      throw new AppError('business_rule', 'document.decompression_bomb', {
        extra: { reason: 'document_too_complex' },
      });
    }
    throw err;
  }
  if (structure.encrypted) throw refuse('document.encrypted');
  if (structure.activeContent.length > 0) {
    throw refuse(message('document.active_content', { what: structure.activeContent }));
  }
  if (structure.pageCount === 0) throw refuse('document.no_pages');

  const wrong = new Map<string, number[]>();
  structure.pages.forEach((p, i) => {
    const f = pageFormat(p.widthPt, p.heightPt, p.rotate);
    if (f.format !== 'a4_portrait') {
      const key = `${FORMAT_NAMES[f.format]} (${f.widthMm} × ${f.heightMm} mm)`;
      wrong.set(key, [...(wrong.get(key) ?? []), i + 1]);
    }
  });
  if (wrong.size > 0) {
    const parts = [...wrong].map(([format, pages]) => message('document.format_pages', { count: pages.length, pages: listPages(pages), format }));
    throw refuse(message('document.not_a4', { pages: parts }));
  }

  let doc;
  try {
    doc = await openPdfJs(withBalancedPageTree(bytes, structure.pageTree));
  } catch {
    throw refuse('document.pdf_damaged_pages');
  }
  try {
    const marked: number[] = [];
    const pageWindows: string[][] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const scan = await scanPage(doc, n, rules.insertionMark);
      // The scan's bounding boxes are generous; a render of the strip decides when they touch it.
      if (scan.mayHaveInkInZone && (await zoneHasInk(doc, n, rules.insertionMark))) marked.push(n);
      pageWindows.push(linesInZone(scan.text, rules.window));
    }
    if (marked.length > 0) {
      const z = rules.insertionMark;
      throw refuse(message('document.mark_zone', { count: marked.length, pages: listPages(marked), x1: z.x1, x2: z.x2, y1: z.y1, y2: z.y2 }));
    }
    const lines = pageWindows[0]!;
    const problems: DocumentAddress['problems'] =
      lines.length === 0
        ? [{ code: 'no_address', line: null, message: 'The envelope window zone of page 1 holds no text: either place the address there, or give the recipients’ addresses (a carrier sheet is then added in front).' }]
        : checkAddress(lines);
    const warnings: string[] = [];
    const fonts = structure.fontsNotEmbedded;
    if (fonts.length > 0) warnings.push(`Fonts not embedded: ${fonts.join(', ')}. The printer will use similar fonts, and the letter may look slightly different.`);
    return { pages: doc.numPages, address: { lines, problems }, warnings, pageWindows };
  } finally {
    await doc.destroy();
  }
}
