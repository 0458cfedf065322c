import { PDFDocument, PDFName, PDFString, StandardFonts, rgb } from 'pdf-lib';

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

export async function makePdf(pages: PageSpec[], opts: { javascript?: boolean } = {}): Promise<Buffer> {
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
  return Buffer.from(await doc.save());
}

export const VALID_ADDRESS = ['Madame Claire MARTIN', '8 RUE DU CHATEAU', '44000 NANTES'];
