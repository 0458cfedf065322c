import { deadlineAt, nextReminderAt, type EletterStatus } from '#domain/eletters/eletter.js';
import { AppError } from '../../errors.js';
import { inScope, systemScope, type Tx } from '../../platform/db/scope.js';
import type { DeliveryOutcome } from '../../platform/mail/outbox.js';
import { changeOrderStatus } from '../orders/index.js';
import type { EletterDeps, EletterRow } from './eletters.js';
import { accessCodeHash, accessLink, defaultAccessCode, linkToken } from './links.js';
import { registeredNotification, simpleNotification } from './emails.js';
import { appendEvidence, changeEletterStatus, fallBackToPaper, letterContext, lockedStatus, recordEvidence, sealNext } from './lifecycle.js';

export const NOTIFICATION_TEMPLATE = 'eletter.notification';
export const REMINDER_TEMPLATE = 'eletter.reminder';

/** Letters sent per transaction: a crash loses at most this many to the job's next run. */
const CHUNK = 50;

type SendDeps = EletterDeps;

async function notification(tx: Tx, deps: SendDeps, letter: EletterRow, reminder: boolean): Promise<{ subject: string; text: string; codeHash: string | null }> {
  const link = accessLink(deps.publicUrl, linkToken(deps.linkKey, letter.mailpiece_id));
  // The first notification is written just before it is sent: its day is today's. Sent after
  // midnight, the text would name a day earlier than the window's real end — never a later one.
  const notifiedAt = letter.notified_at ? new Date(letter.notified_at) : deps.clock.now();
  const deadline = deadlineAt({ kind: letter.kind, notifiedAt, fallbackAfterDays: letter.fallback_after_days });
  if (letter.kind === 'registered') return { ...registeredNotification({ recipientName: letter.recipient_name, envoi: letter.envoi, link, deadline, reminder }), codeHash: null };
  const order = await tx.selectFrom('orders').innerJoin('organisations', 'organisations.id', 'orders.organisation_id').select(['orders.name', 'organisations.name as sender']).where('orders.id', '=', letter.order_id).executeTakeFirstOrThrow();
  const code = deps.codes?.accessCode() ?? defaultAccessCode();
  return { ...simpleNotification({ recipientName: letter.recipient_name, envoi: letter.envoi, link, deadline, reminder, sender: order.sender, subject: order.name, code }), codeHash: accessCodeHash(letter.mailpiece_id, code) };
}

/**
 * The sending job (idempotent): the order is accepted and goes "in production" (the sending),
 * then each letter not yet handed to the outbox gets its deposit evidence and its notification,
 * a chunk per transaction. A withdrawn order sends nothing.
 */
export async function sendElectronicOrder(deps: SendDeps, orderId: string): Promise<{ queued: number }> {
  const go = await inScope(deps.db, systemScope, async (tx) => {
    const order = await tx.selectFrom('orders').select(['id', 'organisation_id', 'status', 'kind']).where('id', '=', orderId).forUpdate().executeTakeFirst();
    if (!order || order.kind !== 'electronic') return false;
    if (order.status === 'submitted') {
      await changeOrderStatus(tx, deps, null, order, 'accept', { extra: { accepted_at: deps.clock.now() }, detail: { automatic: true } });
      await changeOrderStatus(tx, deps, null, { ...order, status: 'accepted' }, 'start_production', { detail: { automatic: true } });
      return true;
    }
    return order.status === 'in_production';
  });
  if (!go) return { queued: 0 };
  let queued = 0;
  for (;;) {
    const n = await inScope(deps.db, systemScope, async (tx) => {
      const letters = await tx
        .selectFrom('eletters')
        .selectAll()
        .where('order_id', '=', orderId)
        .where('notification_message_id', 'is', null)
        .orderBy('mailpiece_id')
        .limit(CHUNK)
        .forUpdate()
        .skipLocked()
        .execute();
      if (letters.length === 0) return 0;
      const ctx = await letterContext(tx, orderId);
      const submitted = await tx.selectFrom('orders').select('submitted_at').where('id', '=', orderId).executeTakeFirstOrThrow();
      // The deposit is when the sender validated the order; its record is the envoi's first.
      // Every record of the chunk sealed first: the journal's head is locked only by the recording.
      const depositAt = new Date(submitted.submitted_at!);
      const sealed = await Promise.all(letters.map((letter) => (letter.evidence_count === 0 ? sealNext(deps, letter, ctx, 'deposit', depositAt, { order: orderId, kind: letter.kind, recipient_kind: letter.recipient_kind, consent_ref: letter.consent_ref }) : null)));
      for (const [i, letter] of letters.entries()) {
        const record = sealed[i];
        if (record) await recordEvidence(tx, deps, letter, ctx, 'deposit', depositAt, record);
        const n = await notification(tx, deps, letter, false);
        const messageId = await deps.mail.queue(tx, { organisationId: letter.organisation_id, to: letter.recipient_email, subject: n.subject, text: n.text, template: NOTIFICATION_TEMPLATE });
        await tx.updateTable('eletters').set({ notification_message_id: messageId, code_hash: n.codeHash, updated_at: deps.clock.now() }).where('mailpiece_id', '=', letter.mailpiece_id).execute();
      }
      return letters.length;
    });
    queued += n;
    if (n === 0) break;
  }
  return { queued };
}

/**
 * What became of a notification: taken by the recipient's mail server → the letter is notified
 * (its window opens, D is that day) with its NotificationForAcceptance evidence; refused for good
 * → NotificationForAcceptanceFailure, and the letter falls back to paper where it would have.
 */
export async function notificationDelivered(tx: Tx, deps: SendDeps, messageId: string, outcome: DeliveryOutcome): Promise<void> {
  const letter = await tx.selectFrom('eletters').selectAll().where('notification_message_id', '=', messageId).executeTakeFirst();
  if (!letter) return;
  const status = await lockedStatus(tx, letter.mailpiece_id);
  const ctx = await letterContext(tx, letter.order_id);
  if (outcome.status === 'failed') {
    // Refused at once (pending), or a bounce report after the server took it (notified); a
    // report about a letter already decided changes nothing.
    if (status === 'pending' || status === 'notified') await bounce(tx, deps, letter, status, ctx, outcome.reason);
    return;
  }
  if (status !== 'pending') return;
  {
    const notifiedAt = outcome.at;
    const deadline = deadlineAt({ kind: letter.kind, notifiedAt, fallbackAfterDays: letter.fallback_after_days });
    const reminder = nextReminderAt({ kind: letter.kind, status: 'notified', notifiedAt, remindersSent: 0, fallbackAfterDays: letter.fallback_after_days });
    await changeEletterStatus(tx, deps, letter, 'pending', 'notify', { notified_at: notifiedAt, deadline_at: deadline, next_reminder_at: reminder });
    await appendEvidence(tx, deps, letter, ctx, 'notification', notifiedAt, { to: letter.recipient_email, message: messageId, deadline: deadline?.toISOString() ?? null });
  }
}

async function bounce(tx: Tx, deps: SendDeps, letter: EletterRow, status: EletterStatus, ctx: Awaited<ReturnType<typeof letterContext>>, reason: string): Promise<void> {
  await changeEletterStatus(tx, deps, letter, status, 'bounce', { next_reminder_at: null, deadline_at: null }, { reason });
  await appendEvidence(tx, deps, letter, ctx, 'notification_failure', deps.clock.now(), { to: letter.recipient_email, reason });
  if (letter.kind === 'registered' || letter.fallback_after_days !== null) await fallBackToPaper(tx, deps, letter, ctx);
}

/**
 * The periodic pass (every minute where workers run): reminders due, then deadlines due. Each
 * letter is claimed by compare-and-set on its status in its own transaction: two passes at once
 * (two workers) never send two reminders, never make two papers, never skip one.
 */
export async function runDeadlines(deps: SendDeps): Promise<{ reminders: number; expired: number }> {
  const now = deps.clock.now();
  let reminders = 0;
  let expired = 0;
  const due = await inScope(deps.db, systemScope, (tx) =>
    tx.selectFrom('eletters').select('mailpiece_id').where('next_reminder_at', '<=', now).orderBy('next_reminder_at').limit(1000).execute(),
  );
  for (const { mailpiece_id } of due) if (await remind(deps, mailpiece_id)) reminders++;
  const ending = await inScope(deps.db, systemScope, (tx) =>
    tx
      .selectFrom('eletters')
      .innerJoin('mailpieces', 'mailpieces.id', 'eletters.mailpiece_id')
      .select('eletters.mailpiece_id')
      .where('eletters.deadline_at', '<=', now)
      .where('mailpieces.status', '=', 'notified')
      .orderBy('eletters.deadline_at')
      .limit(1000)
      .execute(),
  );
  for (const { mailpiece_id } of ending) if (await expire(deps, mailpiece_id)) expired++;
  return { reminders, expired };
}

async function remind(deps: SendDeps, mailpieceId: string): Promise<boolean> {
  return inScope(deps.db, systemScope, async (tx) => {
    const status = await lockedStatus(tx, mailpieceId);
    const letter = await tx.selectFrom('eletters').selectAll().where('mailpiece_id', '=', mailpieceId).executeTakeFirstOrThrow();
    const now = deps.clock.now();
    if (letter.next_reminder_at === null || new Date(letter.next_reminder_at) > now) return false;
    const sent = letter.reminders_sent + 1;
    const next = nextReminderAt({ kind: letter.kind, status, notifiedAt: letter.notified_at ? new Date(letter.notified_at) : null, remindersSent: sent, fallbackAfterDays: letter.fallback_after_days });
    if (status !== 'notified') {
      await tx.updateTable('eletters').set({ next_reminder_at: null }).where('mailpiece_id', '=', mailpieceId).execute();
      return false;
    }
    const n = await notification(tx, deps, letter, true);
    await deps.mail.queue(tx, { organisationId: letter.organisation_id, to: letter.recipient_email, subject: n.subject, text: n.text, template: REMINDER_TEMPLATE });
    // A simple letter's reminder carries a fresh code: the old one no longer opens it.
    await tx
      .updateTable('eletters')
      .set({ reminders_sent: sent, next_reminder_at: next, ...(n.codeHash ? { code_hash: n.codeHash, failed_attempts: 0, locked_until: null } : {}), updated_at: now })
      .where('mailpiece_id', '=', mailpieceId)
      .execute();
    return true;
  });
}

/**
 * The end of the window (registered: non-claim, AcceptanceRejectionExpiry, then the registered
 * paper letter) or of the sender's delay (simple: posted instead). Exactly once: the status moves
 * from notified by compare-and-set in the transaction that makes the paper mailpiece; a crash
 * before its commit leaves both undone for the next pass.
 */
async function expire(deps: SendDeps, mailpieceId: string): Promise<boolean> {
  try {
    return await inScope(deps.db, systemScope, async (tx) => {
      const status = await lockedStatus(tx, mailpieceId);
      const letter = await tx.selectFrom('eletters').selectAll().where('mailpiece_id', '=', mailpieceId).executeTakeFirstOrThrow();
      if (status !== 'notified' || letter.deadline_at === null || new Date(letter.deadline_at) > deps.clock.now()) return false;
      const ctx = await letterContext(tx, letter.order_id);
      const at = new Date(letter.deadline_at);
      await changeEletterStatus(tx, deps, letter, 'notified', 'expire', { next_reminder_at: null });
      await appendEvidence(tx, deps, letter, ctx, 'non_claim', at, { window_closed_at: at.toISOString() });
      await fallBackToPaper(tx, deps, letter, ctx);
      return true;
    });
  } catch (err) {
    // Another pass got there first: nothing to do.
    if (err instanceof AppError && err.code === 'conflict') return false;
    throw err;
  }
}
