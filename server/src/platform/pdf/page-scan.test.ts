import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lacks } from '../../../test/outside-tools.js';
import { makePdf, VALID_ADDRESS } from '../../../test/pdf-fixtures.js';
import { scanPage } from './page-scan.js';
import { readPdfStructure, withBalancedPageTree } from './pdf-structure.js';
import { linesInZone, openPdfJs, zoneHasInk } from './pdfjs.js';

const WINDOW = { x1: 90, y1: 45, x2: 190, y2: 100 };
const MARK = { x1: 3, y1: 100, x2: 9, y2: 200 };

async function scanOf(bytes: Uint8Array, page = 1) {
  const doc = await openPdfJs(bytes);
  try {
    const scan = await scanPage(doc, page, MARK);
    return { ...scan, window: linesInZone(scan.text, WINDOW), rendered: await zoneHasInk(doc, page, MARK) };
  } finally {
    await doc.destroy();
  }
}

describe('page scan (text positions and what may be drawn in the mark zone, in one pass)', () => {
  it.each([
    ['a plain letter', {}, false, false],
    ['a square in the mark zone', { inkInMarkZone: true }, true, true],
    ['a white band over the margin (paper colour, no ink)', { whiteInMarkZone: true }, false, false],
    ['a reference starting at 1 mm and running across the zone', { textAcrossMarkZone: true }, true, true],
  ])('%s', async (_name, spec, scanFlags, renderFinds) => {
    const s = await scanOf(await makePdf([{ address: VALID_ADDRESS, ...spec }]));
    expect(s.window).toEqual(VALID_ADDRESS);
    expect(s.mayHaveInkInZone).toBe(scanFlags);
    expect(s.rendered).toBe(renderFinds);
  });

  it('never misses what a render of the strip finds, on the word-processor fixtures', async () => {
    const dir = path.resolve(import.meta.dirname, '../../../../fixtures/letters');
    for (const file of ['lettre-1-page.pdf', 'lettre-3-pages.pdf', 'publipostage-20-lettres.pdf', 'papier-en-tete.pdf']) {
      const doc = await openPdfJs(new Uint8Array(fs.readFileSync(path.join(dir, file))));
      for (let n = 1; n <= doc.numPages; n++) {
        const scan = await scanPage(doc, n, MARK);
        if (await zoneHasInk(doc, n, MARK)) expect(scan.mayHaveInkInZone, `${file} page ${n}`).toBe(true);
      }
      await doc.destroy();
    }
  });
});

describe('balanced page tree for reading large PDFs', () => {
  it.skipIf(lacks('qpdf'))('reads the same pages and addresses as the original, leaves the original bytes as they are, and passes qpdf --check', async () => {
    const pages = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? { address: ['Madame Claire MARTIN', `${i} RUE DU CHATEAU`, '44000 NANTES'] } : {}));
    const original = new Uint8Array(await makePdf(pages));
    const structure = await readPdfStructure(original);
    const copy = withBalancedPageTree(original, structure.pageTree);
    expect(copy.length).toBeGreaterThan(original.length);
    expect(Buffer.from(copy.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pli-tree-'));
    fs.writeFileSync(path.join(dir, 'copy.pdf'), copy);
    expect(execFileSync('qpdf', ['--check', path.join(dir, 'copy.pdf')]).toString()).toContain('No syntax or stream encoding errors');
    fs.rmSync(dir, { recursive: true, force: true });

    const read = async (bytes: Uint8Array) => {
      const doc = await openPdfJs(bytes);
      const windows: string[][] = [];
      for (let n = 1; n <= doc.numPages; n++) windows.push(linesInZone((await scanPage(doc, n, MARK)).text, WINDOW));
      await doc.destroy();
      return windows;
    };
    const windows = await read(copy);
    expect(windows).toHaveLength(300);
    expect(windows[298]).toEqual(['Madame Claire MARTIN', '298 RUE DU CHATEAU', '44000 NANTES']);
    expect(windows).toEqual(await read(original));
  });

  it('leaves small documents alone', async () => {
    const original = new Uint8Array(await makePdf([{ address: VALID_ADDRESS }]));
    expect(withBalancedPageTree(original, (await readPdfStructure(original)).pageTree)).toBe(original);
  });
});
