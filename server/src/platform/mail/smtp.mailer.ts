import net from 'node:net';
import { createTransport } from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { AppError, message } from '../../errors.js';
import type { MailMessage, Mailer } from './mail.port.js';

export interface SmtpMailerOptions {
  /** TCP connect. A dead relay must fail the job, not hang a worker. */
  connectionTimeoutMs?: number;
  /** Connected but no 220 greeting (e.g. a firewall that accepts and drops). */
  greetingTimeoutMs?: number;
  /** Any silence during the conversation. */
  socketTimeoutMs?: number;
}

/** Marks the template on the message itself so that relays' logs and bounces can be grouped too. */
export const TEMPLATE_HEADER = 'X-Pli-Template';

/** A message as nodemailer takes it, the same for every transport. */
export function nodemailerMessage(msg: MailMessage) {
  return {
    to: msg.to,
    subject: msg.subject,
    text: msg.text,
    ...(msg.html === undefined ? {} : { html: msg.html }),
    ...(msg.template === undefined ? {} : { headers: { [TEMPLATE_HEADER]: msg.template } }),
    ...(msg.id === undefined ? {} : { messageId: `<${msg.id}@pli>` }),
  };
}

interface SmtpFailure extends Error {
  code?: string;
  responseCode?: number;
}

/** host:port only: the URL may carry credentials, which must not reach logs or users. */
function describeServer(smtpUrl: string): string {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new AppError('internal', 'smtp.bad_url');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new AppError('internal', message('smtp.bad_scheme', { scheme: url.protocol }));
  }
  return `${url.hostname}:${url.port || (url.protocol === 'smtps:' ? '465' : '587')}`;
}

/**
 * SMTP via nodemailer. The URL follows nodemailer's conventions (smtp://user:pass@host:port,
 * smtps:// for implicit TLS, query options such as ?tls.rejectUnauthorized=false).
 */
export function createSmtpMailer(smtpUrl: string, from: string, opts: SmtpMailerOptions = {}): Mailer {
  const server = describeServer(smtpUrl);
  // The transport instance, rather than createTransport(url), because createTransport drops every
  // other option once it sees a URL, timeouts included.
  const connectionTimeout = opts.connectionTimeoutMs ?? 10_000;
  const transport = new SMTPTransport({
    url: smtpUrl,
    // Our own TCP connection, with Nagle's algorithm off: the message's last small writes
    // ("." and QUIT) otherwise wait on the server's delayed ACK, ~40 ms a message (bench:eletters).
    // nodemailer then speaks SMTP over it, and upgrades it to TLS itself for smtps://.
    getSocket: (options, callback) => {
      const socket = net.connect({ host: options.host ?? 'localhost', port: options.port ?? (options.secure ? 465 : 587) });
      const timer = setTimeout(() => {
        socket.destroy();
        callback(Object.assign(new Error(`connection to ${server} timed out`), { code: 'ETIMEDOUT' }), undefined);
      }, connectionTimeout);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        callback(null, { connection: socket });
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        callback(err, undefined);
      });
    },
    connectionTimeout,
    greetingTimeout: opts.greetingTimeoutMs ?? 10_000,
    socketTimeout: opts.socketTimeoutMs ?? 60_000,
  });
  const transporter = createTransport(transport, { from });

  return {
    async send(msg: MailMessage): Promise<{ messageId: string }> {
      try {
        const info = await transporter.sendMail(nodemailerMessage(msg));
        return { messageId: info.messageId };
      } catch (err) {
        const failure = err as SmtpFailure;
        const responseCode = typeof failure.responseCode === 'number' ? failure.responseCode : undefined;
        // 5xx is a permanent refusal (bad address, policy); the rest may succeed on a retry.
        const permanent = responseCode !== undefined && responseCode >= 500;
        throw new AppError('unavailable', message('smtp.send_failed', { server, reason: failure.message }), {
          cause: err,
          extra: { smtpCode: failure.code, responseCode, permanent },
        });
      }
    },

    async close(): Promise<void> {
      transporter.close();
    },
  };
}
