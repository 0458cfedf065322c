import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock/clock.js';
import type { DB } from '../db/schema.js';
import { inScope, systemScope, type Tx } from '../db/scope.js';
import type { IdGenerator } from '../ids/ids.js';
import { defineJob, type JobQueue } from '../jobs/job-queue.js';
import type { Mailer, MailMessage } from './mail.port.js';
import { maskLinkSecrets } from './mask-links.js';

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
});

export interface MailService {
  queue(tx: Tx, message: MailMessage & { organisationId: string | null }): Promise<string>;
  /** The job handler: idempotent; a message already sent is not sent again. */
  deliver(messageId: string): Promise<'sent' | 'already_sent' | 'missing'>;
}

export function createMailService(deps: {
  db: Kysely<DB>;
  queue: JobQueue;
  ids: IdGenerator;
  clock: Clock;
  mailer: Mailer;
  /** What the rows record: SMTP, or the built-in mailbox. */
  transport: 'smtp' | 'outbox';
}): MailService {
  deps.queue.register(sendMailJob);
  return {
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

    async deliver(messageId) {
      // Read, send, then record — never hold a transaction across the SMTP conversation.
      const row = await inScope(deps.db, systemScope, (tx) =>
        tx.selectFrom('outbox_messages').selectAll().where('id', '=', messageId).executeTakeFirst(),
      );
      if (!row) return 'missing';
      if (row.status === 'sent') return 'already_sent';
      try {
        await deps.mailer.send({
          to: row.to_address,
          subject: row.subject,
          text: row.text_body,
          ...(row.html_body ? { html: row.html_body } : {}),
          ...(row.template ? { template: row.template } : {}),
        });
      } catch (err) {
        await inScope(deps.db, systemScope, (tx) =>
          tx
            .updateTable('outbox_messages')
            .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: String((err as Error).message ?? err).slice(0, 500) }))
            .where('id', '=', messageId)
            .execute(),
        );
        throw err;
      }
      await inScope(deps.db, systemScope, (tx) =>
        tx
          .updateTable('outbox_messages')
          .set((eb) => ({
            status: 'sent',
            transport: deps.transport,
            // Delivered: the links' secrets are no longer needed here.
            text_body: maskLinkSecrets(row.text_body),
            html_body: row.html_body === null ? null : maskLinkSecrets(row.html_body),
            sent_at: deps.clock.now(),
            attempts: eb('attempts', '+', 1),
            last_error: null,
          }))
          .where('id', '=', messageId)
          .where('status', '=', 'queued')
          .execute(),
      );
      return 'sent';
    },
  };
}
