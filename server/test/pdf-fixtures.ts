import { constants, deflateRawSync, deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFRawStream, PDFString, StandardFonts, rgb } from 'pdf-lib';

/** PDFs made for tests with pdf-lib: sizes, marks and traps a real upload may carry. */
const MM = 72 / 25.4;
export const A4_PT: [number, number] = [210 * MM, 297 * MM];

export interface PageSpec {
  size?: [number, number];
  /** Address lines drawn in the window zone (x 110 mm, from y 55 mm). */
  address?: string[];
  /** Draw a small square in the inserter mark zone. */
  inkInMarkZone?: boolean;
  /** A white rectangle over the inserter mark zone (paper-coloured, so no ink). */
  whiteInMarkZone?: boolean;
  /** A reference printed from 1 mm, running across the inserter mark zone. */
  textAcrossMarkZone?: boolean;
  rotate?: number;
}

export async function makePdf(pages: PageSpec[], opts: { javascript?: boolean; objectStreamBomb?: { mebibytes: number } } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const spec of pages) {
    const [w, h] = spec.size ?? A4_PT;
    const page = doc.addPage([w, h]);
    if (spec.rotate) page.setRotation({ type: 'degrees' as never, angle: spec.rotate } as never);
    page.drawText('Lettre de test', { x: 20 * MM, y: h - 120 * MM, size: 11, font });
    spec.address?.forEach((line, i) => page.drawText(line, { x: 110 * MM, y: h - (55 + i * 5) * MM, size: 10, font }));
    if (spec.inkInMarkZone) page.drawRectangle({ x: 5 * MM, y: h - 150 * MM, width: 2 * MM, height: 2 * MM, color: rgb(0, 0, 0) });
    if (spec.whiteInMarkZone) page.drawRectangle({ x: 0, y: 0, width: 20 * MM, height: h, color: rgb(1, 1, 1) });
    if (spec.textAcrossMarkZone) page.drawText('REF 2026/00042', { x: 1 * MM, y: h - 160 * MM, size: 9, font });
  }
  if (opts.javascript) {
    const action = doc.context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of("app.alert('hello')") });
    doc.catalog.set(PDFName.of('OpenAction'), doc.context.register(action));
  }
  if (opts.objectStreamBomb) {
    // Deflated twice: the zeros deflate to ~1 KB per MiB, and those repeated segments deflate again
    // to almost nothing, so a few KB of upload declare an object stream of gigabytes.
    const dict = doc.context.obj({ Type: 'ObjStm', N: 1, First: 4, Filter: ['FlateDecode', 'FlateDecode'] });
    doc.context.register(PDFRawStream.of(dict, deflateSync(zlibZeros(opts.objectStreamBomb.mebibytes), { level: 9 })));
  }
  return Buffer.from(await doc.save());
}

/**
 * zlib data (what /FlateDecode reads) inflating to `mebibytes` MiB of zeros, built without ever
 * holding them: one MiB deflated with a full flush ends byte-aligned with nothing left to refer
 * back to, so the same segment can be repeated; an empty final block and the checksum close it.
 */
export function zlibZeros(mebibytes: number): Buffer {
  const segment = deflateRawSync(Buffer.alloc(1024 * 1024), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  // Adler-32 of n zeros: the first sum stays 1, the second is n mod 65521.
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((mebibytes * 1024 * 1024) % 65521) * 65536 + 1) >>> 0);
  return Buffer.concat([Buffer.from([0x78, 0xda]), ...Array.from({ length: mebibytes }, () => segment), Buffer.from([0x03, 0x00]), adler]);
}

export const VALID_ADDRESS = ['Madame Claire MARTIN', '8 RUE DU CHATEAU', '44000 NANTES'];
