import { textPages } from '../../platform/pdf/text-pages.js';

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

const PT = 1 / (72 / 25.4); // a point, in millimetres

export async function jobTicketPdf(t: TicketInput): Promise<Uint8Array> {
  const w = await textPages({ marginMm: 20 });
  const line = (text: string, opts: { size?: number; bold?: boolean; indent?: number } = {}) => {
    w.text(text, 20 + (opts.indent ?? 0), opts);
    w.next((opts.size ?? 10) * 1.5 * PT);
  };
  const gap = () => w.next(6 * PT);
  line(`Lot B${t.batchNumber}`, { size: 22, bold: true });
  line(`Fermé le ${t.closedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  gap();
  line(t.attributes.join(' · '), { bold: true });
  line(`${t.mailpieces} plis, ${t.sheets} feuilles`);
  gap();
  line('Fichiers d’impression', { bold: true, size: 12 });
  for (const p of t.parts) line(`Partie ${p.part} : ${p.sheets} feuilles, plis ${p.first} à ${p.last}`, { indent: 4 });
  gap();
  line('Commandes', { bold: true, size: 12 });
  for (const o of t.orders) line(`${o.organisation} — ${o.name} (${o.id}) : ${o.mailpieces} plis`, { indent: 4 });
  return w.doc.save({ useObjectStreams: false });
}
