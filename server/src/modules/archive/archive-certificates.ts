import QRCode from 'qrcode';
import { MM, textPages } from '../../platform/pdf/text-pages.js';
import { sealPdf, type SealDeps } from '../../platform/trust/pdf-seal.js';
import type { TimeStampFacts } from '../../platform/trust/time-stamp-facts.js';

/**
 * The archive's certificates (NF Z42-013): a deposit certificate and a destruction certificate,
 * PDFs sealed by the provider (PAdES B-T: signed with the seal, the signature time-stamped). The
 * deposit certificate carries what identifies the file for ever — hashes, dates, retention, the
 * time-stamp's serial — and where anyone can check a proof offline.
 */
/** The QR code of the verify page: the same on every certificate, drawn once. */
let qrCache: { text: string; png: Promise<Buffer> } | null = null;
function qrPng(text: string): Promise<Buffer> {
  if (qrCache?.text !== text) qrCache = { text, png: QRCode.toBuffer(text, { type: 'png', margin: 1, width: 300, errorCorrectionLevel: 'M' }) };
  return qrCache.png;
}

const frDate = (d: Date) => `${d.toISOString().replace('T', ' ').slice(0, 19)} UTC`;

interface Line {
  label: string;
  value: string;
}

async function certificate(seal: SealDeps, heading: [string, string], intro: string[], lines: Line[], at: Date, qr?: string): Promise<Uint8Array> {
  const p = await textPages({ marginMm: 20 });
  p.text('Pli', 20, { size: 14, bold: true });
  p.next(10);
  p.text(heading[0], 20, { size: 16, bold: true });
  p.next(7);
  p.text(heading[1], 20, { size: 11 });
  p.next(10);
  for (const l of intro) {
    p.text(l, 20);
    p.next(5);
  }
  p.next(5);
  for (const { label, value } of lines) {
    p.text(label, 20, { bold: true });
    // Hashes are long: they get a line of their own in a smaller size.
    if (value.length > 60) {
      p.next(5);
      p.text(value, 25, { size: 8 });
    } else {
      p.text(value, 80);
    }
    p.next(6);
  }
  if (qr) {
    const png = await qrPng(qr);
    const image = await p.doc.embedPng(png);
    p.doc.getPage(0).drawImage(image, { x: 20 * MM, y: 20 * MM, width: 35 * MM, height: 35 * MM });
    p.doc.getPage(0).drawText(qr, { x: 60 * MM, y: 36 * MM, size: 9 });
  }
  p.doc.setTitle(heading[0]);
  p.doc.setCreator('Pli');
  p.doc.setProducer('Pli');
  p.doc.setCreationDate(at);
  p.doc.setModificationDate(at);
  return sealPdf(p.doc, seal, { reason: heading[1], signedAt: at });
}

export interface DepositFacts {
  id: string;
  title: string;
  filename: string;
  sha256: string;
  sha3_256: string;
  sizeBytes: number;
  depositedAt: Date;
  retentionYears: number;
  retainUntil: Date;
  timeStamp: TimeStampFacts;
  verifyUrl: string;
}

export function depositCertificatePdf(seal: SealDeps, f: DepositFacts): Promise<Uint8Array> {
  return certificate(
    seal,
    ['Certificat de dépôt — Deposit certificate', 'Archivage électronique à valeur probante / Electronic archive'],
    [
      'Pli certifie avoir reçu et archivé le document ci-dessous, horodaté (RFC 3161) et inscrit au journal scellé.',
      'Pli certifies that it received and archived the document below, time-stamped and entered in its sealed journal.',
    ],
    [
      { label: 'Référence / Id', value: f.id },
      { label: 'Titre / Title', value: f.title },
      { label: 'Fichier / File', value: f.filename },
      { label: 'Taille / Size', value: `${f.sizeBytes} octets / bytes` },
      { label: 'SHA-256', value: f.sha256 },
      { label: 'SHA3-256', value: f.sha3_256 },
      { label: 'Déposé le / Deposited', value: frDate(f.depositedAt) },
      { label: 'Horodatage / Time-stamp', value: `${frDate(f.timeStamp.genTime)} — n° ${f.timeStamp.serial}` },
      { label: 'Conservation / Retention', value: `${f.retentionYears} an(s) / year(s), jusqu’au / until ${frDate(f.retainUntil)}` },
    ],
    f.depositedAt,
    f.verifyUrl,
  );
}

export interface DestructionFacts {
  id: string;
  title: string;
  filename: string;
  sha256: string;
  sha3_256: string;
  depositedAt: Date;
  retainUntil: Date;
  proposedAt: Date;
  destroyedAt: Date;
  approvedBy: string;
}

export function destructionCertificatePdf(seal: SealDeps, f: DestructionFacts): Promise<Uint8Array> {
  return certificate(
    seal,
    ['Certificat de destruction — Destruction certificate', 'Fin de conservation / End of retention'],
    [
      'Pli certifie avoir détruit toutes les copies du document ci-dessous, sa durée de conservation étant échue et sa',
      'destruction approuvée. Sa trace (empreintes, dates, preuves) reste au journal scellé.',
      'Pli certifies that every copy of the document below was destroyed, its retention having ended and its destruction',
      'approved. Its record (hashes, dates, proofs) stays in the sealed journal.',
    ],
    [
      { label: 'Référence / Id', value: f.id },
      { label: 'Titre / Title', value: f.title },
      { label: 'Fichier / File', value: f.filename },
      { label: 'SHA-256', value: f.sha256 },
      { label: 'SHA3-256', value: f.sha3_256 },
      { label: 'Déposé le / Deposited', value: frDate(f.depositedAt) },
      { label: 'Conservé jusqu’au / Kept until', value: frDate(f.retainUntil) },
      { label: 'Proposée le / Proposed', value: frDate(f.proposedAt) },
      { label: 'Détruit le / Destroyed', value: frDate(f.destroyedAt) },
      { label: 'Approuvée par / Approved by', value: f.approvedBy },
    ],
    f.destroyedAt,
  );
}
