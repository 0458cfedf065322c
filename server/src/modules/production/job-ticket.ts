import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

/**
 * The batch sheet (job ticket) that travels with a batch on the floor: what it holds, how it is
 * set up, which parts its print file comes in, and whose letters are in it.
 */
export interface TicketInput {
  batchNumber: number;
  attributes: string[];
  mailpieces: number;
  sheets: number;
  parts: Array<{ part: number; sheets: number; first: number; last: number }>;
  orders: Array<{ organisation: string; name: string; id: string; mailpieces: number }>;
  closedAt: Date;
}

const MM = 72 / 25.4;

export async function jobTicketPdf(t: TicketInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page = doc.addPage([210 * MM, 297 * MM]);
  let y = 297 * MM - 20 * MM;
  const line = (text: string, opts: { size?: number; bold?: boolean; indent?: number } = {}) => {
    const size = opts.size ?? 10;
    if (y < 20 * MM) {
      page = doc.addPage([210 * MM, 297 * MM]);
      y = 297 * MM - 20 * MM;
    }
    // Helvetica's WinAnsi has no characters past Latin-1 punctuation: keep the words, drop the rest.
    page.drawText(text.replace(/[^\u0020-\u00ff€’–—]/g, '?'), { x: 20 * MM + (opts.indent ?? 0) * MM, y, size, font: opts.bold ? bold : font, color: rgb(0, 0, 0) });
    y -= size * 1.5;
  };
  line(`Lot B${t.batchNumber}`, { size: 22, bold: true });
  line(`Fermé le ${t.closedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  y -= 6;
  line(t.attributes.join(' · '), { bold: true });
  line(`${t.mailpieces} plis, ${t.sheets} feuilles`);
  y -= 6;
  line('Fichiers d’impression', { bold: true, size: 12 });
  for (const p of t.parts) line(`Partie ${p.part} : ${p.sheets} feuilles, plis ${p.first} à ${p.last}`, { indent: 4 });
  y -= 6;
  line('Commandes', { bold: true, size: 12 });
  for (const o of t.orders) line(`${o.organisation} — ${o.name} (${o.id}) : ${o.mailpieces} plis`, { indent: 4 });
  return doc.save({ useObjectStreams: false });
}
