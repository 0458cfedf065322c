import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { Quote } from '#domain/mail/index.js';

/**
 * The purchase order ("bon de commande", M-1.4): what the client ordered, at what price, and the
 * statement that the order becomes firm once accepted. Built from the frozen order only, so the
 * same order always gives the same document.
 */
export interface PurchaseOrderData {
  orderId: string;
  name: string;
  organisationName: string;
  orderedBy: string;
  submittedAt: Date;
  options: string[];
  letters: number;
  sheets: number;
  steps: Array<[string, number]>;
  deliveryEstimate: string | null;
  quote: Quote;
}

const euros = (cents: number) => `${(cents / 100).toFixed(2).replace('.', ',')} €`;
const MM = 72 / 25.4;

export async function purchaseOrderPdf(d: PurchaseOrderData): Promise<Buffer> {
  const doc = await PDFDocument.create();
  // Fixed dates keep the bytes stable for the same order (content-addressed storage).
  doc.setCreationDate(d.submittedAt);
  doc.setModificationDate(d.submittedAt);
  doc.setTitle(`Bon de commande ${d.orderId}`);
  doc.setProducer('Pli');
  doc.setCreator('Pli');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page: PDFPage = doc.addPage([210 * MM, 297 * MM]);
  let y = page.getHeight() - 25 * MM;
  const left = 20 * MM;
  const text = (s: string, opts: { size?: number; f?: PDFFont; x?: number } = {}) => {
    if (y < 25 * MM) {
      page = doc.addPage([210 * MM, 297 * MM]);
      y = page.getHeight() - 25 * MM;
    }
    page.drawText(s, { x: opts.x ?? left, y, size: opts.size ?? 10, font: opts.f ?? font, color: rgb(0.1, 0.1, 0.15) });
  };
  const line = (s: string, opts: { size?: number; f?: PDFFont } = {}) => {
    text(s, opts);
    y -= (opts.size ?? 10) * 1.5;
  };

  line('Bon de commande / Purchase order', { size: 18, f: bold });
  y -= 4;
  line(`Commande ${d.orderId} — « ${d.name} »`, { f: bold });
  line(`Client : ${d.organisationName}`);
  line(`Émise par : ${d.orderedBy}, le ${d.submittedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  y -= 6;
  line('Prestations commandées : impression, mise sous pli, affranchissement et remise au prestataire postal.', { f: bold });
  for (const o of d.options) line(`• ${o}`);
  line(`${d.letters} pli(s), ${d.sheets} feuille(s) au total ; tranches de poids : ${d.steps.map(([s, n]) => `${s} × ${n}`).join(', ')}.`);
  if (d.deliveryEstimate) line(`Distribution estimée au plus tard le ${d.deliveryEstimate}.`);
  y -= 8;
  line('Détail du prix', { f: bold, size: 12 });
  for (const l of d.quote.lines) {
    text(l.label_fr.slice(0, 70));
    text(`${l.quantity} × ${euros(l.unit_cents)}`, { x: 125 * MM });
    text(euros(l.total_cents), { x: 165 * MM });
    y -= 15;
  }
  y -= 4;
  text('Total HT', { f: bold });
  text(euros(d.quote.total_excl_vat_cents), { x: 165 * MM, f: bold });
  y -= 15;
  for (const v of d.quote.vat) {
    text(`TVA ${(v.rate_bp / 100).toLocaleString('fr-FR')} % sur ${euros(v.base_cents)}`);
    text(euros(v.vat_cents), { x: 165 * MM });
    y -= 15;
  }
  text('Total TTC', { f: bold });
  text(euros(d.quote.total_cents), { x: 165 * MM, f: bold });
  y -= 30;
  line('Toute commande validée par le prestataire est ferme, définitive et irrévocable : elle ne peut être annulée,', { size: 9 });
  line('ni en totalité ni en partie. Jusqu’à son acceptation, elle peut être retirée en totalité.', { size: 9 });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
