import type { AddressFlagDto, DeskMailpieceDto, ReturnDto } from '#contracts/returns.js';
import { CSV_BOM, csvRow } from '../../platform/http/csv.js';
import { isoTime, isoTimeOrNull } from '../../platform/http/wire.js';
import type { DeskMailpiece } from './desk.js';
import type { AddressFlagRow, ReturnView } from './returns.js';

export const presentDesk = (m: DeskMailpiece): DeskMailpieceDto => ({
  id: m.id,
  status: m.status,
  order: { id: m.orderId, name: m.orderName },
  organisation: { id: m.organisationId, name: m.organisationName },
  recipient: { address: m.recipient.address, country: m.recipient.country },
  tracking_number: m.trackingNumber,
  acknowledgement: m.acknowledgement,
  deposited_at: isoTimeOrNull(m.depositedAt),
  returned: m.returned ? { reason: m.returned.reason, received_at: isoTime(m.returned.receivedAt) } : null,
  ar_received_at: isoTimeOrNull(m.arReceivedAt),
});

export const presentReturn = (r: ReturnView): ReturnDto => ({
  id: r.id,
  kind: r.kind,
  reason: r.reason,
  mailpiece: { id: r.mailpiece.id, status: r.mailpiece.status, recipient: r.mailpiece.recipient, tracking_number: r.mailpiece.trackingNumber },
  order: r.order,
  organisation: r.organisation,
  scan: { url: `/api/v1/returns/${r.id}/scan`, content_type: r.scan.contentType, size_bytes: r.scan.sizeBytes, filename: r.scan.filename },
  archive_item_id: r.archiveItemId,
  resent_by: r.resentBy,
  received_at: isoTime(r.receivedAt),
});

export const presentAddressFlag = (f: AddressFlagRow): AddressFlagDto => ({
  id: f.id,
  address: { lines: f.address.lines, country: f.address.country },
  reason: f.reason,
  mailpiece_id: f.mailpiece_id,
  flagged_at: isoTime(f.flagged_at),
});

const REASONS = { address_error: 'NPAI (adresse inconnue)', not_claimed: 'non réclamé', refused: 'refusé' } as const;

/** The returns export, one line per return (platform/http/csv.ts: how French offices read CSV). */
export const CSV_HEADER = ['reçu le', 'type', 'motif', 'commande', 'numéro de recommandé', 'destinataire', 'adresse', 'pays', 'statut du pli', 'scan', 'renvoyé par'];

export function csvLine(r: ReturnView, publicUrl: string): string {
  const values = [
    r.receivedAt.toISOString(),
    r.kind === 'returned' ? 'pli non distribué' : 'avis de réception',
    r.reason ? REASONS[r.reason] : '',
    r.order.name,
    r.mailpiece.trackingNumber ?? '',
    r.mailpiece.recipient.address[0] ?? '',
    r.mailpiece.recipient.address.slice(1).join(', '),
    r.mailpiece.recipient.country,
    r.mailpiece.status,
    `${publicUrl.replace(/\/$/, '')}/api/v1/returns/${r.id}/scan`,
    r.resentBy ?? '',
  ];
  return csvRow(values);
}

export const csvHead = () => CSV_BOM + csvRow(CSV_HEADER);
