import { FORMAT_NAMES, pageFormat } from '#domain/documents/geometry.js';
import { AppError } from '../../errors.js';
import { scanPage } from '../../platform/pdf/page-scan.js';
import { linesInZone, openPdfJs, zoneHasInk } from '../../platform/pdf/pdfjs.js';
import { PdfUnreadableError, readPdfStructure, withBalancedPageTree } from '../../platform/pdf/pdf-structure.js';
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

const refuse = (detail: string) => new AppError('business_rule', detail);

function listPages(pages: number[]): string {
  const shown = pages.slice(0, 5).join(', ');
  return pages.length > 5 ? `${shown} and ${pages.length - 5} more` : shown;
}

export async function inspectPdf(bytes: Uint8Array, rules: DocumentRules, checkAddress: AddressChecker): Promise<Inspection> {
  if (bytes.length === 0) throw refuse('The file is empty.');
  let structure;
  try {
    structure = await readPdfStructure(bytes);
  } catch (err) {
    if (err instanceof PdfUnreadableError) throw refuse('The PDF is damaged or truncated: its structure cannot be read. Export it again from the program that made it.');
    throw err;
  }
  if (structure.encrypted) throw refuse('The PDF is encrypted or password-protected. Save an unprotected copy and upload that.');
  if (structure.bomb) throw refuse('The PDF holds compressed data that expands to an abnormal size (a possible decompression bomb): it was not opened.');
  if (structure.activeContent.length > 0) {
    throw refuse(`The PDF contains active content (${structure.activeContent.join(', ')}). Pli prints documents, not programs: export a plain PDF without scripts or actions.`);
  }
  if (structure.pageCount === 0) throw refuse('The PDF has no pages.');

  const wrong = new Map<string, number[]>();
  structure.pages.forEach((p, i) => {
    const f = pageFormat(p.widthPt, p.heightPt, p.rotate);
    if (f.format !== 'a4_portrait') {
      const key = `${FORMAT_NAMES[f.format]} (${f.widthMm} × ${f.heightMm} mm)`;
      wrong.set(key, [...(wrong.get(key) ?? []), i + 1]);
    }
  });
  if (wrong.size > 0) {
    const parts = [...wrong].map(([format, pages]) => `page${pages.length > 1 ? 's' : ''} ${listPages(pages)}: ${format}`);
    throw refuse(`Pli prints on A4 portrait only (210 × 297 mm). Not A4 portrait — ${parts.join('; ')}.`);
  }

  let doc;
  try {
    doc = await openPdfJs(withBalancedPageTree(bytes, structure.pageTree));
  } catch {
    throw refuse('The PDF is damaged: its pages cannot be read. Export it again from the program that made it.');
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
      throw refuse(
        `Page${marked.length > 1 ? 's' : ''} ${listPages(marked)} ${marked.length > 1 ? 'have' : 'has'} content in the inserter mark zone (the left margin, ${z.x1}–${z.x2} mm from the edge, ${z.y1}–${z.y2} mm from the top), where the production floor prints its control code. Widen the left margin and export the PDF again.`,
      );
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
