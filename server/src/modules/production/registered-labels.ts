import { PDFArray, PDFDocument, PDFName, StandardFonts, rgb } from 'pdf-lib';
import { code128Ops } from '../../platform/pdf/barcodes.js';
import { A4_PT, MM, winAnsi } from '../../platform/pdf/text-pages.js';

/**
 * What a registered letter carries (spec §9): the coupon with its number as a Code 128 barcode,
 * and with AR the acknowledgement card that comes back signed. One A4 sheet per letter, coupon on
 * top and card below, for the floor to print and stick; the numbers are the ones allotted when
 * the batch closed.
 */
export interface RegisteredLabel {
  number: string;
  level: string;
  acknowledgement: boolean;
  recipient: string[];
  sender: string[];
  batchNumber: number;
  position: number;
}

const spaced = (n: string) => `${n.slice(0, 2)} ${n.slice(2, 5)} ${n.slice(5, 8)} ${n.slice(8, 12)} ${n.slice(12)}`;

export async function registeredLabelsPdf(labels: RegisteredLabel[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  for (const l of labels) {
    const page = doc.addPage(A4_PT);
    const text = (s: string, x: number, yFromTop: number, size = 9, b = false) => page.drawText(winAnsi(s), { x: x * MM, y: (297 - yFromTop) * MM, size, font: b ? bold : font, color: rgb(0, 0, 0) });
    const box = (x: number, yFromTop: number, w: number, h: number) => page.drawRectangle({ x: x * MM, y: (297 - yFromTop - h) * MM, width: w * MM, height: h * MM, borderColor: rgb(0, 0, 0), borderWidth: 0.8 });
    const barcode = (x: number, yFromTop: number) => {
      const c = code128Ops(l.number, x * MM, (297 - yFromTop) * MM, { module: 0.33 * MM, height: 12 * MM });
      const ref = doc.context.register(doc.context.stream(c.ops));
      const contents = page.node.get(PDFName.of('Contents'));
      if (contents instanceof PDFArray) contents.push(ref);
      else page.node.set(PDFName.of('Contents'), doc.context.obj([...(contents ? [contents] : []), ref]));
    };

    // The coupon (preuve de dépôt side and the label on the envelope).
    box(15, 15, 180, 110);
    text(`LETTRE RECOMMANDÉE ${l.level}${l.acknowledgement ? ' AVEC AVIS DE RÉCEPTION' : ''}`, 20, 24, 11, true);
    barcode(20, 45);
    text(spaced(l.number), 20, 52, 12, true);
    text('Destinataire', 20, 64, 8, true);
    l.recipient.forEach((line, i) => text(line, 20, 70 + i * 4.5, 9));
    text('Expéditeur', 110, 64, 8, true);
    l.sender.forEach((line, i) => text(line, 110, 70 + i * 4.5, 9));
    text(`Lot B${l.batchNumber} · pli ${l.position}`, 20, 120, 7);

    if (l.acknowledgement) {
      // The acknowledgement card, returned to the sender once signed.
      box(15, 150, 180, 120);
      text('AVIS DE RÉCEPTION', 20, 159, 11, true);
      barcode(20, 180);
      text(spaced(l.number), 20, 187, 12, true);
      text('À retourner à', 20, 198, 8, true);
      l.sender.forEach((line, i) => text(line, 20, 204 + i * 4.5, 9));
      text('Présenté / avisé le : ____________     Distribué le : ____________', 20, 240, 9);
      text('Signature du destinataire ou de son mandataire :', 20, 252, 9);
    }
  }
  return doc.save({ useObjectStreams: false });
}
