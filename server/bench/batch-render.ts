import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { renderPrintParts, type PrintLetter } from '../src/modules/production/print-file.js';
import { DEFAULT_DOCUMENT_RULES } from '../src/modules/documents/index.js';

/**
 * bench:batch's renderer, run built and in its own process (as a worker runs the print-file
 * job): the batch's letters from files, rendered part by part, each part written to disk.
 * argv: manifest.json (letters: file paths, background, partSheets), output directory.
 */
const [manifestPath, outDir] = process.argv.slice(2) as [string, string];
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { letters: string[]; background: string; partSheets: number };
const letters: PrintLetter[] = manifest.letters.map((file, i) => ({
  position: i + 1,
  mailpieceId: `mp_${i + 1}`,
  carrierSheet: null,
  documents: [{ sha256: file, first: 1, last: 3 }],
  background: { sha256: manifest.background, pages: 'first' },
  sheets: 2,
}));
const t0 = performance.now();
let pages = 0;
let sheets = 0;
await renderPrintParts(
  { batchNumber: 1, sides: 'duplex', letters, partSheets: manifest.partSheets, markZone: DEFAULT_DOCUMENT_RULES.insertionMark, window: DEFAULT_DOCUMENT_RULES.window },
  async (file) => PDFDocument.load(fs.readFileSync(file), { updateMetadata: false }),
  async (part) => {
    fs.writeFileSync(path.join(outDir, `part-${part.part}.pdf`), part.bytes);
    pages += part.pages;
    sheets += part.sheets;
  },
);
process.stdout.write(`DONE ${Math.round(performance.now() - t0)} ${pages} ${sheets}\n`);
