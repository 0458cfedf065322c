import { MM, textPages } from '../../platform/pdf/text-pages.js';
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
const PT = 1 / MM; // a point, in millimetres

export async function purchaseOrderPdf(d: PurchaseOrderData): Promise<Buffer> {
  const w = await textPages({ marginMm: 25, color: [0.1, 0.1, 0.15] });
  const doc = w.doc;
  // Fixed dates keep the bytes stable for the same order (content-addressed storage).
  doc.setCreationDate(d.submittedAt);
  doc.setModificationDate(d.submittedAt);
  doc.setTitle(`Bon de commande ${d.orderId}`);
  doc.setProducer('Pli');
  doc.setCreator('Pli');
  const text = (s: string, opts: { size?: number; bold?: boolean; x?: number } = {}) => w.text(s, opts.x ?? 20, opts);
  const line = (s: string, opts: { size?: number; bold?: boolean } = {}) => {
    text(s, opts);
    w.next((opts.size ?? 10) * 1.5 * PT);
  };
  const down = (points: number) => w.next(points * PT);

  line('Bon de commande / Purchase order', { size: 18, bold: true });
  down(4);
  line(`Commande ${d.orderId} — « ${d.name} »`, { bold: true });
  line(`Client : ${d.organisationName}`);
  line(`Émise par : ${d.orderedBy}, le ${d.submittedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  down(6);
  line('Prestations commandées : impression, mise sous pli, affranchissement et remise au prestataire postal.', { bold: true });
  for (const o of d.options) line(`• ${o}`);
  line(`${d.letters} pli(s), ${d.sheets} feuille(s) au total ; tranches de poids : ${d.steps.map(([s, n]) => `${s} × ${n}`).join(', ')}.`);
  if (d.deliveryEstimate) line(`Distribution estimée au plus tard le ${d.deliveryEstimate}.`);
  down(8);
  line('Détail du prix', { bold: true, size: 12 });
  for (const l of d.quote.lines) {
    text(l.label_fr.slice(0, 70));
    text(`${l.quantity} × ${euros(l.unit_cents)}`, { x: 125 });
    text(euros(l.total_cents), { x: 165 });
    down(15);
  }
  down(4);
  text('Total HT', { bold: true });
  text(euros(d.quote.total_excl_vat_cents), { x: 165, bold: true });
  down(15);
  for (const v of d.quote.vat) {
    text(`TVA ${(v.rate_bp / 100).toLocaleString('fr-FR')} % sur ${euros(v.base_cents)}`);
    text(euros(v.vat_cents), { x: 165 });
    down(15);
  }
  text('Total TTC', { bold: true });
  text(euros(d.quote.total_cents), { x: 165, bold: true });
  down(30);
  line('Toute commande validée par le prestataire est ferme, définitive et irrévocable : elle ne peut être annulée,', { size: 9 });
  line('ni en totalité ni en partie. Jusqu’à son acceptation, elle peut être retirée en totalité.', { size: 9 });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
