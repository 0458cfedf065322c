import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestApp, until, type TestApp } from '../../../test/helpers.js';
import { startSmtpServer } from '../../../test/smtp-server.js';
import { inScope, systemScope } from '../db/scope.js';

const outboxRow = (t: TestApp, id: string) =>
  inScope(t.container.db, systemScope, (tx) => tx.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow());

describe.each(backends())('e-mail on %s', (kind) => {
  describe('without SMTP_URL: the built-in outbox', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(kind, { workers: true });
    });
    afterAll(() => t.close());

    it('keeps a message queued in a committed transaction, marked sent to the outbox once', async () => {
      const id = await inScope(t.container.db, systemScope, (tx) =>
        t.container.mail.queue(tx, { organisationId: null, to: 'claire@mairie.test', subject: 'Votre compte Pli', text: 'Bonjour Claire', template: 'invitation' }),
      );
      const row = await until('the message to be sent', async () => {
        const r = await outboxRow(t, id);
        return r.status === 'sent' ? r : null;
      });
      expect(row).toMatchObject({ transport: 'outbox', attempts: 1, to_address: 'claire@mairie.test', subject: 'Votre compte Pli' });
      expect(await t.container.mail.deliver(id)).toBe('already_sent');
    });

    it('a message queued in a rolled-back transaction does not exist', async () => {
      let id = '';
      await expect(
        inScope(t.container.db, systemScope, async (tx) => {
          id = await t.container.mail.queue(tx, { organisationId: null, to: 'x@y.test', subject: 's', text: 't' });
          throw new Error('invitation failed');
        }),
      ).rejects.toThrow();
      await expect(outboxRow(t, id)).rejects.toThrow();
    });
  });

  describe('with SMTP_URL: a real SMTP server receives it', () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    beforeAll(async () => {
      smtp = await startSmtpServer();
      t = await createTestApp(kind, { env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Pli <no-reply@pli.test>' }, workers: true });
    });
    afterAll(async () => {
      await t.close();
      await smtp.close();
    });

    it('delivers the message through SMTP and records it', async () => {
      const id = await inScope(t.container.db, systemScope, (tx) =>
        t.container.mail.queue(tx, { organisationId: null, to: 'julien@mairie.test', subject: 'Accès', text: 'Votre lien d’activation', template: 'invitation' }),
      );
      const received = await until('the SMTP server to receive it', async () => smtp.received.find((m) => m.rcptTo.includes('julien@mairie.test')));
      expect(received.from).toBe('no-reply@pli.test');
      const row = await until('the message to be sent', async () => {
        const r = await outboxRow(t, id);
        return r.status === 'sent' ? r : null;
      });
      expect(row.transport).toBe('smtp');
    });
  });

  describe('with an SMTP server that is down', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(kind, { env: { SMTP_URL: 'smtp://127.0.0.1:1' } });
    });
    afterAll(() => t.close());

    it('keeps the message queued with the reason, for the job to retry', async () => {
      const id = await inScope(t.container.db, systemScope, (tx) => t.container.mail.queue(tx, { organisationId: null, to: 'a@b.test', subject: 's', text: 't' }));
      await expect(t.container.mail.deliver(id)).rejects.toThrow(/SMTP/);
      const row = await outboxRow(t, id);
      expect(row).toMatchObject({ status: 'queued', attempts: 1 });
      expect(row.last_error).toMatch(/127\.0\.0\.1:1/);
    });
  });
});
