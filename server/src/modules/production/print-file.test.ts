import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDocument, PDFName, type PDFRawStream, type PDFRef, type PDFPage } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../../test/helpers.js';
import { lacks } from '../../../test/outside-tools.js';
import { readMark } from '../../../test/print-marks.js';
import { A4_PT, makePdf } from '../../../test/pdf-fixtures.js';
import { parseMark, partsOf, renderPrintParts, type PrintBatch, type PrintLetter } from './print-file.js';

const LETTERS = path.join(FIXTURES, 'letters');
const files: Record<string, Buffer> = {};
for (const f of ['lettre-3-pages.pdf', 'lettre-1-page.pdf', 'papier-en-tete.pdf', 'publipostage-20-lettres.pdf']) {
  const bytes = fs.readFileSync(path.join(LETTERS, f));
  files[createHash('sha256').update(bytes).digest('hex')] = bytes;
}
const sha = (name: string) => createHash('sha256').update(fs.readFileSync(path.join(LETTERS, name))).digest('hex');
const load = async (s: string) => PDFDocument.load(files[s]!);

const ZONES = { markZone: { x1: 3, y1: 100, x2: 9, y2: 200 }, window: { x1: 90, y1: 45, x2: 190, y2: 100 } };

/** The decoded bytes of each content stream of a page, in order. */
function contentStreams(page: PDFPage): Buffer[] {
  const contents = page.node.get(PDFName.of('Contents'));
  const refs = contents instanceof PDFArray ? contents.asArray() : [contents];
  return refs.map((r) => {
    const s = page.doc.context.lookup(r as PDFRef) as PDFRawStream;
    const filter = s.dict.get(PDFName.of('Filter'));
    return filter ? inflateSync(s.contents) : Buffer.from(s.contents);
  });
}

function tmp(bytes: Uint8Array, name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pli-print-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}


describe('print-ready file of a batch', () => {
  const letters: PrintLetter[] = [
    // A 3-page letter with its own address, duplex: 2 sheets, a blank back after page 3.
    { position: 1, mailpieceId: 'mp_1', carrierSheet: null, documents: [{ sha256: sha('lettre-3-pages.pdf'), first: 1, last: 3 }], background: { sha256: sha('papier-en-tete.pdf'), pages: 'first' }, sheets: 2 },
    // Two letters cut from the mail-merge run (pages 3–4 and 5–6).
    { position: 2, mailpieceId: 'mp_2', carrierSheet: null, documents: [{ sha256: sha('publipostage-20-lettres.pdf'), first: 3, last: 4 }], background: null, sheets: 1 },
    { position: 3, mailpieceId: 'mp_3', carrierSheet: null, documents: [{ sha256: sha('publipostage-20-lettres.pdf'), first: 5, last: 6 }], background: null, sheets: 1 },
    // A carrier sheet in front of a one-page letter: 2 sheets, each with a blank back.
    { position: 4, mailpieceId: 'mp_4', carrierSheet: { lines: ['Madame Claire MARTIN', '8 RUE DU CHATEAU', '44000 NANTES'] }, documents: [{ sha256: sha('lettre-1-page.pdf'), first: 1, last: 1 }], background: null, sheets: 2 },
  ];
  const batch: PrintBatch = { batchNumber: 42, sides: 'duplex', letters, partSheets: 2000, ...ZONES };

  it.skipIf(lacks('qpdf'))('holds one page per side of every sheet, passes qpdf --check, and keeps the uploaded content streams byte for byte', async () => {
    const [part] = await renderPrintParts(batch, load);
    expect(part!.sheets).toBe(6);
    expect(part!.pages).toBe(12);
    const file = tmp(part!.bytes, 'batch.pdf');
    expect(execFileSync('qpdf', ['--check', file]).toString()).toContain('No syntax or stream encoding errors');

    const printed = await PDFDocument.load(part!.bytes);
    const source = await load(sha('lettre-3-pages.pdf'));
    // Page 1 of the file = page 1 of the letter: [background, q, own streams…, Q, mark].
    for (const [printedIndex, sourceIndex] of [[0, 0], [1, 1], [2, 2]] as const) {
      const own = contentStreams(source.getPage(sourceIndex));
      const streams = contentStreams(printed.getPage(printedIndex));
      const start = streams.findIndex((s) => s.toString() === 'q\n');
      expect(streams.slice(start + 1, start + 1 + own.length)).toEqual(own);
    }
    // The stored original is untouched: its hash is the one it was loaded by.
    expect(createHash('sha256').update(files[sha('lettre-3-pages.pdf')]!).digest('hex')).toBe(sha('lettre-3-pages.pdf'));
  });

  it.skipIf(lacks('pdftoppm', 'dmtxread', 'pdftotext'))('marks each sheet front with a decodable DataMatrix: batch, position, sheet n/m', async () => {
    const [part] = await renderPrintParts(batch, load);
    const file = tmp(part!.bytes, 'batch.pdf');
    // Pages 1 and 3 are the fronts of letter 1; page 5 is letter 2; page 9 the carrier sheet of letter 4.
    expect(parseMark(readMark(file, 1))).toEqual({ batchNumber: 42, position: 1, sheet: 1, sheets: 2 });
    expect(parseMark(readMark(file, 3))).toEqual({ batchNumber: 42, position: 1, sheet: 2, sheets: 2 });
    expect(parseMark(readMark(file, 5))).toEqual({ batchNumber: 42, position: 2, sheet: 1, sheets: 1 });
    expect(parseMark(readMark(file, 9))).toEqual({ batchNumber: 42, position: 4, sheet: 1, sheets: 2 });
    // The carrier sheet shows the address in the window.
    expect(execFileSync('pdftotext', ['-f', '9', '-l', '9', file, '-']).toString()).toContain('44000 NANTES');
  });

  it.skipIf(lacks('pdftoppm', 'dmtxread'))('marks a turned page (landscape box, /Rotate 90, seen as A4 portrait) where it is seen', async () => {
    const turned = await makePdf([{ size: [A4_PT[1], A4_PT[0]], rotate: 90 }]);
    const key = createHash('sha256').update(turned).digest('hex');
    files[key] = Buffer.from(turned);
    const [part] = await renderPrintParts({ ...batch, letters: [{ position: 7, mailpieceId: 'mp_7', carrierSheet: null, documents: [{ sha256: key, first: 1, last: 1 }], background: null, sheets: 1 }] }, load);
    const file = tmp(part!.bytes, 'turned.pdf');
    expect(parseMark(readMark(file, 1))).toEqual({ batchNumber: 42, position: 7, sheet: 1, sheets: 1 });
  });

  it('renders the same bytes twice (a job run again after a crash stores no second file)', async () => {
    const [a] = await renderPrintParts(batch, load);
    const [b] = await renderPrintParts(batch, load);
    expect(Buffer.from(a!.bytes).equals(Buffer.from(b!.bytes))).toBe(true);
  });

  it('comes in parts of at most N sheets, never cutting a letter', () => {
    expect(partsOf(letters, 3).map((p) => p.map((l) => l.position))).toEqual([[1, 2], [3, 4]]);
    expect(partsOf(letters, 1).map((p) => p.map((l) => l.position))).toEqual([[1], [2], [3], [4]]);
  });

  it('refuses to print a letter whose sheets disagree with the order', async () => {
    await expect(renderPrintParts({ ...batch, letters: [{ ...letters[0]!, sheets: 3 }] }, load)).rejects.toThrow(/2 sheets where the order planned 3/);
  });
});
