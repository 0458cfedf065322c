import { timeStampFacts } from '../../platform/trust/time-stamp-facts.js';
import { textPages } from '../../platform/pdf/text-pages.js';
import { sealPdf, type SealDeps } from '../../platform/trust/pdf-seal.js';
import type { EvidenceRow } from './evidence-read.js';

/** What each ETSI event is called on paper (spec §9), French then English. */
const TITLES: Record<string, [string, string]> = {
  SubmissionAcceptance: ['Preuve de dépôt', 'Proof of deposit'],
  NotificationForAcceptance: ['Preuve de notification', 'Proof of notification'],
  NotificationForAcceptanceFailure: ['Preuve d’échec de la notification', 'Proof of notification failure'],
  ConsignmentAcceptance: ['Preuve de réception (acceptation)', 'Proof of receipt (acceptance)'],
  ConsignmentRejection: ['Preuve de refus', 'Proof of refusal'],
  AcceptanceRejectionExpiry: ['Preuve de non-réclamation', 'Proof of non-claim'],
  ContentAccessTracking: ['Preuve de consultation', 'Proof of access'],
  RelayToNonERDS: ['Preuve de remise en courrier papier', 'Proof of relay to paper mail'],
};

const utc = (d: Date) => `${d.toISOString().replace('T', ' ').slice(0, 19)} UTC`;

/**
 * An evidence record as the sender files it (spec §9: "a PDF rendering"): what happened, when,
 * between whom, on which content; the record itself, its seal and its time-stamp token attached
 * (record.json, seal.der, token.der — the three files openssl checks); the PDF sealed in turn
 * (PAdES B-T). The attached record is the evidence; the page is its reading.
 */
export async function evidencePdf(seal: SealDeps, e: EvidenceRow, at: Date): Promise<Uint8Array> {
  const record = JSON.parse(e.record) as {
    at: string;
    sender: { name: string; organisation_id: string };
    recipient: { name: string; email: string | null };
    content: Array<{ name: string; sha256: string }>;
    details: Record<string, unknown>;
  };
  const [fr, en] = TITLES[e.event] ?? [e.event, e.event];
  const stamp = timeStampFacts(e.timestamp_token);
  const p = await textPages({ marginMm: 20 });
  const line = (label: string, value: string) => {
    p.text(label, 20, { bold: true });
    if (value.length > 60) {
      p.next(5);
      p.text(value, 25, { size: 8 });
    } else p.text(value, 85);
    p.next(6);
  };
  p.text('Pli', 20, { size: 14, bold: true });
  p.next(10);
  p.text(fr, 20, { size: 16, bold: true });
  p.next(7);
  p.text(`${en} — ETSI EN 319 522: ${e.event}`, 20, { size: 11 });
  p.next(12);
  line('Envoi / Envoi number', e.envoi);
  line('Événement / Event at', utc(new Date(record.at)));
  line('Expéditeur / Sender', record.sender.name);
  line('Destinataire / Recipient', `${record.recipient.name}${record.recipient.email ? ` <${record.recipient.email}>` : ''}`);
  for (const c of record.content) line(`Contenu / Content: ${c.name}`, `SHA-256 ${c.sha256}`);
  const identity = record.details.identity as { given_name?: string; family_name?: string; issuer?: string; acr?: string } | null | undefined;
  if (identity) line('Identité vérifiée / Verified identity', `${identity.given_name ?? ''} ${identity.family_name ?? ''} (${identity.issuer ?? ''}, ${identity.acr ?? ''})`);
  line('Enregistrement / Record SHA-256', e.record_digest);
  line('Précédent / Previous record', e.previous ?? '—');
  line('Horodatage / Time-stamp', `${utc(stamp.genTime)}, n° ${stamp.serial}`);
  line('Conservé jusqu’au / Kept until', String(e.retain_until).slice(0, 10));
  p.next(6);
  for (const text of [
    'L’enregistrement ci-joint (record.json) est la preuve : scellé par le prestataire (seal.der, CMS détaché) et horodaté (token.der, RFC 3161).',
    'The attached record (record.json) is the evidence: sealed by the provider (seal.der, detached CMS) and time-stamped (token.der, RFC 3161).',
    'openssl cms -verify -binary -inform DER -in seal.der -content record.json -CAfile root.pem -purpose any',
    'openssl ts -verify -data record.json -in token.der -token_in -CAfile root.pem -untrusted root.pem',
  ]) {
    p.text(text, 20, { size: text.startsWith('openssl') ? 7 : 8 });
    p.next(5);
  }
  await p.doc.attach(new TextEncoder().encode(e.record), 'record.json', { mimeType: 'application/json', description: 'The evidence record (RFC 8785)', creationDate: at, modificationDate: at });
  await p.doc.attach(e.seal, 'seal.der', { mimeType: 'application/pkcs7-signature', description: 'Its seal: detached CMS SignedData', creationDate: at, modificationDate: at });
  await p.doc.attach(e.timestamp_token, 'token.der', { mimeType: 'application/timestamp-reply', description: 'Its RFC 3161 time-stamp token', creationDate: at, modificationDate: at });
  p.doc.setTitle(`${fr} — ${e.envoi}`);
  p.doc.setCreator('Pli');
  p.doc.setProducer('Pli');
  p.doc.setCreationDate(at);
  p.doc.setModificationDate(at);
  return sealPdf(p.doc, seal, { reason: `${en} ${e.envoi}`, signedAt: at });
}
