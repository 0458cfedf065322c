import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock/clock.js';
import type { DB } from '../db/schema.js';
import { inScope, systemScope, type Tx } from '../db/scope.js';
import type { IdGenerator } from '../ids/ids.js';
import { defineJob, type JobQueue } from '../jobs/job-queue.js';
import type { Mailer, MailMessage } from './mail.port.js';
import { maskLinkSecrets, maskTextCodes } from './mask-links.js';
import { parseDeliveryReport, type DeliveryReport } from './dsn.js';

/**
 * Every e-mail Pli sends is first a row of `outbox_messages`, written in the transaction that
 * needs it, with a `mail.send` job beside it. The job hands it to SMTP when `SMTP_URL` is set;
 * otherwise to the mailbox on this machine (`PLI_DATA_DIR/mailbox`, one .eml file each), so a
 * demo works without a mail server. Once delivered, the row keeps the message's shape with the
 * secrets of its links masked: the provider's Outbox page never shows a working activation or
 * reset link for somebody else's account.
 */
export const sendMailJob = defineJob({
  name: 'mail.send',
  schema: z.object({ message_id: z.string() }),
  retryLimit: 8,
  retryDelaySeconds: 30,
  expireInSeconds: 120,
  // Sending mostly waits on the mail server: several conversations at once per process.
  concurrency: 8,
});

/** What became of a message, told to its template's listener in the transaction that records it. */
export type DeliveryOutcome = { readonly status: 'sent'; readonly at: Date } | { readonly status: 'failed'; readonly at: Date; readonly reason: string };
export type DeliveryListener = (tx: Tx, messageId: string, outcome: DeliveryOutcome) => Promise<void>;

/** A text message: the second channel (a registered e-letter's sign-in code). */
export interface TextSender {
  send(msg: { to: string; text: string }): Promise<void>;
}

export interface MailService {
  queue(tx: Tx, message: MailMessage & { organisationId: string | null }): Promise<string>;
  /** A text message, queued and delivered like an e-mail (channel 'sms'). */
  queueText(tx: Tx, message: { to: string; text: string; template: string; organisationId: string | null }): Promise<string>;
  /** The job handler: idempotent; a message already sent is not sent again. A permanent refusal
   * (5xx) marks it failed without retrying; anything else is thrown, for the job's retries. */
  deliver(messageId: string): Promise<'sent' | 'already_sent' | 'missing' | 'failed'>;
  /** Hears what becomes of the messages of one template (an e-letter's notification: its evidence). */
  onDelivery(template: string, listener: DeliveryListener): void;
  /**
   * A bounce report (RFC 3464) the mail relay hands back: a message it is about that failed for
   * good is marked failed, and its template's listener told, once. Null: not one of ours.
   */
  recordBounce(raw: string): Promise<{ report: DeliveryReport; recorded: boolean } | null>;
}



export function createMailService(deps: {
  db: Kysely<DB>;
  queue: JobQueue;
  ids: IdGenerator;
  clock: Clock;
  mailer: Mailer;
  /** What the rows record: SMTP, or the built-in mailbox. */
  transport: 'smtp' | 'outbox';
  texts?: TextSender;
}): MailService {
  deps.queue.register(sendMailJob);
  const listeners = new Map<string, DeliveryListener>();
  const permanent = (err: unknown) => (err as { extra?: { permanent?: boolean } }).extra?.permanent === true;
  return {
    onDelivery(template, listener) {
      listeners.set(template, listener);
    },

    async queueText(tx, message) {
      const id = deps.ids.next('msg');
      await tx
        .insertInto('outbox_messages')
        .values({ id, organisation_id: message.organisationId, channel: 'sms', to_address: message.to, subject: '', text_body: message.text, template: message.template, created_at: deps.clock.now() })
        .execute();
      await deps.queue.enqueue(tx, sendMailJob, { message_id: id });
      return id;
    },

    async queue(tx, message) {
      const id = deps.ids.next('msg');
      await tx
        .insertInto('outbox_messages')
        .values({
          id,
          organisation_id: message.organisationId,
          to_address: message.to,
          subject: message.subject,
          text_body: message.text,
          html_body: message.html ?? null,
          template: message.template ?? null,
          created_at: deps.clock.now(),
        })
        .execute();
      await deps.queue.enqueue(tx, sendMailJob, { message_id: id });
      return id;
    },

    async recordBounce(raw) {
      const report = parseDeliveryReport(raw);
      if (!report) return null;
      if (report.action !== 'failed') return { report, recorded: false };
      const reason = [report.status, report.diagnostic].filter(Boolean).join(' ') || 'bounced';
      const recorded = await inScope(deps.db, systemScope, async (tx) => {
        const row = await tx.selectFrom('outbox_messages').select(['id', 'template']).where('id', '=', report.messageId).where('status', '<>', 'failed').forUpdate().executeTakeFirst();
        if (!row) return false;
        await tx.updateTable('outbox_messages').set({ status: 'failed', last_error: `bounce: ${reason}`.slice(0, 500) }).where('id', '=', row.id).execute();
        const listener = row.template ? listeners.get(row.template) : undefined;
        await listener?.(tx, row.id, { status: 'failed', at: deps.clock.now(), reason });
        return true;
      });
      return { report, recorded };
    },

    async deliver(messageId) {
      // Read, send, then record — never hold a transaction across the SMTP conversation.
      const row = await inScope(deps.db, systemScope, (tx) =>
        tx.selectFrom('outbox_messages').selectAll().where('id', '=', messageId).executeTakeFirst(),
      );
      if (!row) return 'missing';
      if (row.status === 'sent') return 'already_sent';
      if (row.status === 'failed') return 'failed';
      const listener = row.template ? listeners.get(row.template) : undefined;
      try {
        if (row.channel === 'sms') {
          if (!deps.texts) throw new Error('no text-message sender is configured');
          await deps.texts.send({ to: row.to_address, text: row.text_body });
        } else {
          await deps.mailer.send({
            id: row.id,
            to: row.to_address,
            subject: row.subject,
            text: row.text_body,
            ...(row.html_body ? { html: row.html_body } : {}),
            ...(row.template ? { template: row.template } : {}),
          });
        }
      } catch (err) {
        const reason = String((err as Error).message ?? err).slice(0, 500);
        const refused = permanent(err);
        await inScope(deps.db, systemScope, async (tx) => {
          const done = await tx
            .updateTable('outbox_messages')
            .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: reason, ...(refused ? { status: 'failed' as const } : {}) }))
            .where('id', '=', messageId)
            .where('status', '=', 'queued')
            .executeTakeFirst();
          if (refused && Number(done.numUpdatedRows) === 1) await listener?.(tx, messageId, { status: 'failed', at: deps.clock.now(), reason });
        });
        if (refused) return 'failed';
        throw err;
      }
      await inScope(deps.db, systemScope, async (tx) => {
        const at = deps.clock.now();
        const done = await tx
          .updateTable('outbox_messages')
          .set((eb) => ({
            status: 'sent',
            transport: deps.transport,
            // Delivered: the links' secrets (and a text's code) are no longer needed here.
            text_body: row.channel === 'sms' ? maskTextCodes(row.text_body) : maskLinkSecrets(row.text_body),
            html_body: row.html_body === null ? null : maskLinkSecrets(row.html_body),
            sent_at: at,
            attempts: eb('attempts', '+', 1),
            last_error: null,
          }))
          .where('id', '=', messageId)
          .where('status', '=', 'queued')
          .executeTakeFirst();
        if (Number(done.numUpdatedRows) === 1) await listener?.(tx, messageId, { status: 'sent', at });
      });
      return 'sent';
    },
  };
}
