import { NOTIFIABLE_EVENTS } from '#contracts/tracking-events.js';
import type { Tx } from '../../platform/db/scope.js';
import type { MailService } from '../../platform/mail/outbox.js';
import type { TrackingEvent } from './event-feed.js';

/**
 * E-mail notifications (M-3.4), per person's choice: the author of an order is told when it is
 * accepted, refused (with the reason), in production or completed, and when a letter or its AR
 * card comes back (M-6.a) — written to the outbox in
 * the dispatcher's transaction, so each event is told once.
 */
interface Detail {
  reason?: string;
  recipient?: string;
}
const FR_REASONS: Record<string, string> = { address_error: 'destinataire inconnu à l’adresse, NPAI', not_claimed: 'non réclamé', refused: 'refusé par le destinataire' };
const EN_REASONS: Record<string, string> = { address_error: 'addressee unknown at this address', not_claimed: 'not claimed', refused: 'refused by the recipient' };

const WORDS = {
  fr: {
    'order.accepted': (n: string) => ({ subject: `Votre commande « ${n} » est acceptée`, body: `La commande « ${n} » a été acceptée par le prestataire. Elle est désormais ferme et définitive et part en production.` }),
    'order.refused': (n: string, d: Detail) => ({ subject: `Votre commande « ${n} » est refusée`, body: `Le prestataire a refusé la commande « ${n} »${d.reason ? ` pour la raison suivante : ${d.reason}` : '.'}\nRien n'est produit ni facturé. Vous pouvez corriger et envoyer une nouvelle commande.` }),
    'order.in_production': (n: string) => ({ subject: `Votre commande « ${n} » est en production`, body: `Les premiers plis de la commande « ${n} » sont imprimés.` }),
    'order.completed': (n: string) => ({ subject: `Votre commande « ${n} » est déposée`, body: `Tous les plis de la commande « ${n} » ont été remis à La Poste. Le bordereau de dépôt est disponible sur la page de la commande.` }),
    'mailpiece.returned': (n: string, d: Detail) => ({
      subject: `Un pli de la commande « ${n} » est revenu`,
      body: `Le pli adressé à ${d.recipient ?? 'votre destinataire'} est revenu non distribué (${FR_REASONS[d.reason ?? ''] ?? 'motif non précisé'}). Son scan est sur la page de la commande ; vous pouvez le renvoyer à une adresse corrigée.`,
    }),
    'mailpiece.ar_received': (n: string, d: Detail) => ({ subject: `Avis de réception reçu — commande « ${n} »`, body: `L’avis de réception du pli adressé à ${d.recipient ?? 'votre destinataire'} est revenu signé. Son scan est sur la page de la commande.` }),
    open: 'Voir la commande',
    why: 'Vous recevez ce message parce que vous avez choisi d’être prévenu(e) de cet événement (Profil › Notifications).',
  },
  en: {
    'order.accepted': (n: string) => ({ subject: `Your order “${n}” is accepted`, body: `The provider accepted the order “${n}”. It is now firm and final, and goes into production.` }),
    'order.refused': (n: string, d: Detail) => ({ subject: `Your order “${n}” is refused`, body: `The provider refused the order “${n}”${d.reason ? `: ${d.reason}` : '.'}\nNothing is produced or billed. You may correct it and send a new order.` }),
    'order.in_production': (n: string) => ({ subject: `Your order “${n}” is in production`, body: `The first letters of the order “${n}” are printed.` }),
    'order.completed': (n: string) => ({ subject: `Your order “${n}” is deposited`, body: `Every letter of the order “${n}” was handed to La Poste. The deposit slip is on the order's page.` }),
    'mailpiece.returned': (n: string, d: Detail) => ({
      subject: `A letter of the order “${n}” came back`,
      body: `The letter to ${d.recipient ?? 'your recipient'} came back undelivered (${EN_REASONS[d.reason ?? ''] ?? 'no reason given'}). Its scan is on the order's page; you may send it again to a corrected address.`,
    }),
    'mailpiece.ar_received': (n: string, d: Detail) => ({ subject: `Acknowledgement of receipt — order “${n}”`, body: `The acknowledgement card of the letter to ${d.recipient ?? 'your recipient'} came back signed. Its scan is on the order's page.` }),
    open: 'Open the order',
    why: 'You receive this because you chose to be told of this event (Profile › Notifications).',
  },
} as const;

type Notifiable = (typeof NOTIFIABLE_EVENTS)[number];
const NOTIFIABLE = new Set<string>(NOTIFIABLE_EVENTS);

export async function notify(tx: Tx, deps: { mail: MailService; publicUrl: string }, event: TrackingEvent): Promise<boolean> {
  if (!NOTIFIABLE.has(event.type)) return false;
  // An e-letter's order is taken and sent at once, by Pli itself: nobody waits to hear of it.
  if ((event.detail as { automatic?: boolean }).automatic === true) return false;
  const person = await tx.selectFrom('users').select(['email', 'name', 'locale', 'status', 'notify_events']).where('id', '=', event.created_by).executeTakeFirst();
  if (!person || person.status !== 'active' || !person.notify_events.includes(event.type)) return false;
  const words = WORDS[person.locale];
  const { subject, body } = words[event.type as Notifiable](event.order_name, event.detail as Detail);
  const link = `${deps.publicUrl}/orders/${event.order_id}`;
  await deps.mail.queue(tx, { organisationId: event.organisation_id, to: person.email, subject, text: `${person.name},\n\n${body}\n\n${words.open} : ${link}\n\n— Pli\n${words.why}`, template: `notification.${event.type}` });
  return true;
}
