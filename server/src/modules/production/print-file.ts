import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRef, StandardFonts, type PDFPage } from 'pdf-lib';
import { dataMatrixOps } from '../../platform/pdf/barcodes.js';
import { A4_PT, MM } from '../../platform/pdf/text-pages.js';

/**
 * A batch's print-ready file (M-3.3): the letters in inserter order, each sheet's front marked
 * with a DataMatrix in the inserter mark zone (batch, position, sheet n/m), carrier sheets and
 * blank backs generated, the background placed under the pages. The uploaded pages are copied as
 * they are: their content streams are referenced unchanged, and Pli's additions are separate
 * streams around them (`q … Q` keeps their graphics state to themselves).
 */
const A4 = A4_PT;

export interface PrintLetter {
  /** 1-based position in the batch: the inserter's order, and what the mark encodes. */
  position: number;
  mailpieceId: string;
  /** The address printed on a generated carrier sheet in front, when the user gave addresses. */
  carrierSheet: { lines: string[] } | null;
  /** The letter's pages: a page range of the main document, then each attachment whole. */
  documents: Array<{ sha256: string; first: number; last: number }>;
  background: { sha256: string; pages: 'all' | 'first' } | null;
  /** Sheets the order planned for this letter; the file must agree. */
  sheets: number;
}

export interface PrintBatch {
  batchNumber: number;
  sides: 'simplex' | 'duplex';
  letters: PrintLetter[];
  /** Parts of at most this many sheets (a letter is never cut between parts). */
  partSheets: number;
  markZone: { x1: number; y1: number; x2: number; y2: number };
  window: { x1: number; y1: number; x2: number; y2: number };
}

export interface PrintPart {
  part: number;
  bytes: Uint8Array;
  sheets: number;
  pages: number;
  firstPosition: number;
  lastPosition: number;
}

/** What the mark on a sheet says: batch number, position in the batch, sheet n of m. */
export function markText(batchNumber: number, position: number, sheet: number, sheets: number): string {
  return `B${batchNumber}M${position}S${sheet}/${sheets}`;
}

export function parseMark(text: string): { batchNumber: number; position: number; sheet: number; sheets: number } | null {
  const m = /^B(\d+)M(\d+)S(\d+)\/(\d+)$/.exec(text.trim());
  return m ? { batchNumber: Number(m[1]), position: Number(m[2]), sheet: Number(m[3]), sheets: Number(m[4]) } : null;
}

/** Letters grouped into parts of at most `partSheets` sheets (a larger letter gets a part alone). */
export function partsOf(letters: PrintLetter[], partSheets: number): PrintLetter[][] {
  const parts: PrintLetter[][] = [];
  let current: PrintLetter[] = [];
  let sheets = 0;
  for (const l of letters) {
    if (current.length > 0 && sheets + l.sheets > partSheets) {
      parts.push(current);
      current = [];
      sheets = 0;
    }
    current.push(l);
    sheets += l.sheets;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

type Loader = (sha256: string) => Promise<PDFDocument>;

/**
 * Renders the parts one after the other, handing each to `onPart` before the next begins: a
 * batch of 10,000 letters never holds more than one part and its sources in memory.
 */
export async function renderPrintParts(batch: PrintBatch, load: Loader, onPart?: (part: PrintPart) => Promise<void>): Promise<PrintPart[]> {
  const out: PrintPart[] = [];
  const parts = partsOf(batch.letters, batch.partSheets);
  for (let i = 0; i < parts.length; i++) {
    const part = await renderPart(batch, parts[i]!, i + 1, load);
    if (onPart) {
      await onPart(part);
      out.push({ ...part, bytes: new Uint8Array(0) });
    } else out.push(part);
  }
  return out;
}

async function renderPart(batch: PrintBatch, letters: PrintLetter[], part: number, load: Loader): Promise<PrintPart> {
  // No dates, no random ids: the same batch renders to the same bytes, so a job run again after a
  // crash stores the same object instead of a second one.
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const stream = (ops: string) => doc.context.register(doc.context.stream(ops));
  const push = stream('q\n');
  const pop = stream('Q\n');

  // Each source's pages are copied in one call, so its fonts and images are copied once.
  const wanted = new Map<string, number[]>();
  for (const l of letters) {
    for (const d of l.documents) {
      const list = wanted.get(d.sha256) ?? [];
      for (let p = d.first; p <= d.last; p++) list.push(p - 1);
      wanted.set(d.sha256, list);
    }
  }
  const copies = new Map<string, PDFPage[]>();
  for (const [sha, indices] of wanted) copies.set(sha, await doc.copyPages(await load(sha), indices));

  const backgrounds = new Map<string, { name: PDFName; ref: PDFRef }>();
  const backgroundOf = async (sha: string) => {
    let bg = backgrounds.get(sha);
    if (!bg) {
      const [embedded] = await doc.embedPdf(await load(sha), [0]);
      const name = PDFName.of(`PliBg${backgrounds.size + 1}`);
      bg = { name, ref: embedded!.ref };
      backgrounds.set(sha, bg);
    }
    return bg;
  };

  let sheets = 0;
  const mark = (page: PDFPage, position: number, sheet: number, of: number) => {
    const z = batch.markZone;
    // Drawn in the page as it is seen (its visible box, turned by /Rotate), from the top-left.
    const { cm, height: top } = displayFrame(page);
    const width = (z.x2 - z.x1 - 0.6) * MM;
    const dm = dataMatrixOps(markText(batch.batchNumber, position, sheet, of), (z.x1 + 0.3) * MM, top - (z.y1 + 2) * MM, { width, maxModule: 0.42 * MM });
    // The same words for people, running up the strip under the code.
    const label = `${batch.batchNumber} - ${position} - ${sheet}/${of}`;
    const textOps = `BT /PliF 5 Tf 0 1 -1 0 ${((z.x1 + z.x2) / 2 + 0.9) * MM} ${top - (z.y1 + 4) * MM - dm.heightPt - font.widthOfTextAtSize(label, 5)} Tm (${label}) Tj ET\n`;
    appendContent(page, [stream(`q ${cm} cm\n${dm.ops}${textOps}Q\n`)]);
    ensureFont(page, font.ref);
    sheets++;
  };
  const blank = () => doc.addPage(A4);

  for (const letter of letters) {
    let sheet = 0;
    if (letter.carrierSheet) {
      const page = doc.addPage(A4);
      letter.carrierSheet.lines.forEach((line, i) => page.drawText(line, { x: (batch.window.x1 + 10) * MM, y: A4[1] - (batch.window.y1 + 12 + i * 4.5) * MM, size: 10, font }));
      mark(page, letter.position, ++sheet, letter.sheets);
      if (batch.sides === 'duplex') blank();
    }
    let firstPageOfLetter = true;
    for (const d of letter.documents) {
      const count = d.last - d.first + 1;
      for (let i = 0; i < count; i++) {
        const page = copies.get(d.sha256)!.shift()!;
        doc.addPage(page);
        const under: PDFRef[] = [];
        if (letter.background && (letter.background.pages === 'all' || firstPageOfLetter)) {
          const bg = await backgroundOf(letter.background.sha256);
          ensureXObject(page, bg.name, bg.ref);
          // Under the page as it is seen: a turned page gets its letterhead the right way up.
          under.push(stream(`q ${displayFrame(page).cm} cm ${bg.name.toString()} Do Q\n`));
        }
        wrapContents(page, under, push, pop);
        firstPageOfLetter = false;
        const front = batch.sides === 'simplex' || i % 2 === 0;
        if (front) mark(page, letter.position, ++sheet, letter.sheets);
      }
      if (batch.sides === 'duplex' && count % 2 === 1) blank();
    }
    if (sheet !== letter.sheets) throw new Error(`Mailpiece ${letter.mailpieceId}: the print file has ${sheet} sheets where the order planned ${letter.sheets}.`);
  }
  const bytes = await doc.save({ useObjectStreams: false, addDefaultPage: false });
  return { part, bytes, sheets, pages: doc.getPageCount(), firstPosition: letters[0]!.position, lastPosition: letters[letters.length - 1]!.position };
}

/**
 * The page as it is seen: its visible box turned by /Rotate. `cm` maps that frame (origin at the
 * seen bottom-left, x right, y up) into the page's own space, so Pli draws marks and backgrounds
 * where a person looking at the page expects them, whatever the upload's box and rotation.
 */
export function displayFrame(page: PDFPage): { cm: string; width: number; height: number } {
  const box = page.getCropBox();
  const rotate = (((page.getRotation().angle ?? 0) % 360) + 360) % 360;
  const { x, y, width: w, height: h } = box;
  const n = (v: number) => (Math.round(v * 1000) / 1000).toString();
  switch (rotate) {
    case 90: // the box's bottom-left is seen at the top-left
      return { cm: `0 1 -1 0 ${n(x + w)} ${n(y)}`, width: h, height: w };
    case 180:
      return { cm: `-1 0 0 -1 ${n(x + w)} ${n(y + h)}`, width: w, height: h };
    case 270:
      return { cm: `0 -1 1 0 ${n(x)} ${n(y + h)}`, width: h, height: w };
    default:
      return { cm: `1 0 0 1 ${n(x)} ${n(y)}`, width: w, height: h };
  }
}

/** The page's own content streams, unchanged, between Pli's streams: [under…, q, own…, Q]. */
function wrapContents(page: PDFPage, under: PDFRef[], push: PDFRef, pop: PDFRef): void {
  const node = page.node;
  const own = node.get(PDFName.of('Contents'));
  const refs = own instanceof PDFArray ? own.asArray() : own ? [own] : [];
  node.set(PDFName.of('Contents'), page.doc.context.obj([...under, push, ...refs, pop]));
}

function appendContent(page: PDFPage, refs: PDFRef[]): void {
  const contents = page.node.get(PDFName.of('Contents'));
  if (contents instanceof PDFArray) for (const r of refs) contents.push(r);
  else page.node.set(PDFName.of('Contents'), page.doc.context.obj([...(contents ? [contents] : []), ...refs]));
}

function resourcesOf(page: PDFPage): PDFDict {
  const node = page.node;
  let resources = node.get(PDFName.of('Resources'));
  if (resources instanceof PDFRef) resources = page.doc.context.lookup(resources);
  if (!(resources instanceof PDFDict)) {
    resources = page.doc.context.obj({});
    node.set(PDFName.of('Resources'), resources);
  }
  return resources as PDFDict;
}

function subDict(parent: PDFDict, key: string, page: PDFPage): PDFDict {
  let d = parent.get(PDFName.of(key));
  if (d instanceof PDFRef) d = page.doc.context.lookup(d);
  if (!(d instanceof PDFDict)) {
    d = page.doc.context.obj({});
    parent.set(PDFName.of(key), d);
  }
  return d as PDFDict;
}

function ensureXObject(page: PDFPage, name: PDFName, ref: PDFRef): void {
  const xobjects = subDict(resourcesOf(page), 'XObject', page);
  if (!xobjects.has(name)) xobjects.set(name, ref);
}

function ensureFont(page: PDFPage, ref: PDFRef): void {
  const fonts = subDict(resourcesOf(page), 'Font', page);
  if (!fonts.has(PDFName.of('PliF'))) fonts.set(PDFName.of('PliF'), ref);
}
