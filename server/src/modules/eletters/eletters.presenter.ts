import type { ElectronicOrderDto } from '#contracts/orders.js';
import { isoTimeOrNull } from '../../platform/http/wire.js';
import { presentQuote } from '../orders/index.js';
import type { ElectronicOrderView } from './eletters.js';
import type { RecipientLetterView } from './recipient-access.js';

const iso = isoTimeOrNull;

export function presentElectronicOrder(v: ElectronicOrderView, lang: 'fr' | 'en'): ElectronicOrderDto {
  const r = v.row;
  return {
    id: r.id,
    kind: 'electronic',
    name: r.name,
    status: r.status,
    documents: r.documents,
    options: r.options as ElectronicOrderDto['options'],
    recipients: r.recipients as unknown as ElectronicOrderDto['recipients'],
    fallback: (r.fallback as ElectronicOrderDto['fallback']) ?? null,
    quote: presentQuote(v.quote, lang),
    problems: v.problems,
    letters: v.mailpieces.length || (r.recipients as unknown[]).length,
    mailpieces: v.mailpieces.map(({ mp, letter, fallbackMailpiece, evidence }) => ({
      id: mp.id,
      channel: 'electronic' as const,
      envoi: letter.envoi,
      status: mp.status as ElectronicOrderDto['mailpieces'][number]['status'],
      recipient: { name: letter.recipient_name, email: letter.recipient_email, kind: letter.recipient_kind, address: mp.recipient.address, country: mp.recipient.country },
      notified_at: iso(letter.notified_at),
      deadline_at: iso(letter.deadline_at),
      decided_at: iso(letter.decided_at),
      fallback_mailpiece: fallbackMailpiece,
      evidence: evidence.map((e) => ({ id: e.id, event: e.event, at: e.at.toISOString() })),
      updated_at: iso(mp.updated_at)!,
    })),
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
    submitted_at: iso(r.submitted_at),
  };
}

export function presentRecipientLetter(v: RecipientLetterView) {
  return {
    envoi: v.envoi,
    kind: v.kind,
    status: v.status,
    recipient_name: v.recipientName,
    notified_at: iso(v.notifiedAt),
    decision_closes_at: iso(v.decisionClosesAt),
    sender: v.sender,
    subject: v.subject,
    documents: v.documents,
  };
}
