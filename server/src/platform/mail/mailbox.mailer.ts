import fs from 'node:fs';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import StreamTransport from 'nodemailer/lib/stream-transport/index.js';
import { nodemailerMessage } from './smtp.mailer.js';
import type { MailMessage, Mailer } from './mail.port.js';

/**
 * Without SMTP_URL, messages are delivered to a mailbox on this machine: one RFC 5322 `.eml`
 * file each (any mail program opens it) in `dir`, readable by the account that runs Pli only.
 * The working links of activation and reset e-mails reach the person who runs the server this way,
 * never provider staff reading the Outbox page in the portal (which shows them masked).
 */
export function createMailboxMailer(dir: string, from: string): Mailer {
  const transporter = createTransport(new StreamTransport({ streamTransport: true, buffer: true, newline: 'unix' }), { from });
  let n = 0;
  return {
    async send(msg: MailMessage): Promise<{ messageId: string }> {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const info = await transporter.sendMail(nodemailerMessage(msg));
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const name = `${stamp}-${String(++n).padStart(4, '0')}-${msg.to.replace(/[^A-Za-z0-9@._-]/g, '_')}.eml`;
      // Written aside then renamed: a reader never sees half a message.
      const file = path.join(dir, name);
      fs.writeFileSync(`${file}.part`, (info as unknown as StreamTransport.SentMessageInfo).message as Buffer, { mode: 0o600 });
      fs.renameSync(`${file}.part`, file);
      return { messageId: info.messageId };
    },
  };
}
