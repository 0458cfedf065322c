import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

/** PDF points in a millimetre. */
export const MM = 72 / 25.4;
export const A4_PT: [number, number] = [210 * MM, 297 * MM];

/** Helvetica's WinAnsi has no characters past Latin-1 and a few marks: keep the words, show the rest as "?". */
export const winAnsi = (s: string) => s.replace(/[^\u0020-\u00ff€’–—•]/g, '?');

export interface TextPages {
  doc: PDFDocument;
  /** Writes on the current line, `xMm` from the left edge; a full page continues on the next. */
  text(s: string, xMm: number, opts?: { size?: number; bold?: boolean }): void;
  /** Moves down `mm` (the next line). */
  next(mm: number): void;
}

/**
 * The documents Pli prints for people (purchase order, job ticket, deposit slip): lines of text on
 * A4 pages in Helvetica, top to bottom, a new page when the margin is reached.
 */
export async function textPages(opts: { marginMm: number; color?: [number, number, number] } = { marginMm: 20 }): Promise<TextPages> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const color = rgb(...(opts.color ?? [0, 0, 0]));
  const top = 297 - opts.marginMm;
  let page = doc.addPage(A4_PT);
  let y = top;
  return {
    doc,
    text(s, xMm, o = {}) {
      if (y < opts.marginMm) {
        page = doc.addPage(A4_PT);
        y = top;
      }
      page.drawText(winAnsi(s), { x: xMm * MM, y: y * MM, size: o.size ?? 10, font: o.bold ? bold : font, color });
    },
    next(mm) {
      y -= mm;
    },
  };
}
