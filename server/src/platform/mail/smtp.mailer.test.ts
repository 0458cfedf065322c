import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import type { SMTPServerOptions } from 'smtp-server';
import { AppError } from '../../errors.js';
import { createSmtpMailer, TEMPLATE_HEADER } from './smtp.mailer.js';
import { startSmtpServer } from '../../../test/smtp-server.js';

// --- a minimal MIME reader (mailparser is not a dependency) ---------------------------------

interface MimePart {
  headers: Map<string, string>;
  body: string;
}

/** Unfolds headers and decodes RFC 2047 encoded-words (B and Q), joining adjacent ones. */
function decodeHeaderValue(value: string): string {
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  return joined.replace(/(?:=\?[^?]+\?[BbQq]\?[^?]*\?=)+/g, (run) => {
    const bytes: Buffer[] = [];
    for (const m of run.matchAll(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g)) {
      const [, charset = '', enc = '', text = ''] = m;
      expect(charset.toLowerCase()).toBe('utf-8');
      if (enc.toUpperCase() === 'B') bytes.push(Buffer.from(text, 'base64'));
      else bytes.push(qpBytes(text.replace(/_/g, ' ')));
    }
    return Buffer.concat(bytes).toString('utf8');
  });
}

function qpBytes(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    const hex = text.slice(i + 1, i + 3);
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(...Buffer.from(ch, 'utf8'));
    }
  }
  return Buffer.from(out);
}

function parseMime(raw: string): MimePart[] {
  const split = raw.indexOf('\r\n\r\n');
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split + 4);
  const headers = parseHeaders(head);
  const contentType = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (contentType.toLowerCase().startsWith('multipart/') && boundary) {
    const sections = body.split(`--${boundary}`).slice(1);
    return sections
      .filter((s) => !s.startsWith('--'))
      .flatMap((s) => parseMime(s.replace(/^\r\n/, '').replace(/\r\n$/, '')));
  }
  const cte = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  let decoded: string;
  if (cte === 'quoted-printable') decoded = qpBytes(body.replace(/=\r\n/g, '')).toString('utf8');
  else if (cte === 'base64') decoded = Buffer.from(body, 'base64').toString('utf8');
  else decoded = body;
  return [{ headers, body: decoded.replace(/\r\n/g, '\n').replace(/\n$/, '') }];
}

function parseHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

const topHeaders = (raw: string): Map<string, string> => parseHeaders(raw.slice(0, raw.indexOf('\r\n\r\n')));

// --------------------------------------------------------------------------------------------

describe('SMTP mailer', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()?.();
  });

  async function setup(overrides: Partial<SMTPServerOptions> = {}) {
    const smtp = await startSmtpServer(overrides);
    cleanups.push(smtp.close);
    const mailer = createSmtpMailer(`smtp://127.0.0.1:${smtp.port}`, 'Pli <noreply@pli.example>', {
      connectionTimeoutMs: 2_000,
      greetingTimeoutMs: 2_000,
      socketTimeoutMs: 5_000,
    });
    cleanups.push(async () => mailer.close?.());
    return { smtp, mailer };
  }

  const subject = 'Votre lettre recommandée n° 1A 234 567 8901 2 a été déposée à La Poste — accusé de réception à suivre';
  const text =
    'Bonjour Éloïse,\n\nVotre courrier à destination de M. Noël Dupré (Besançon) a été imprimé, mis sous pli et ' +
    'affranchi ce matin. Vous recevrez l’accusé de réception dès son retour.\n\nÀ bientôt,\nL’équipe Pli — ça marche !';

  it('delivers a French plain-text message to the right recipient with subject and body intact', async () => {
    const { smtp, mailer } = await setup();

    const { messageId } = await mailer.send({ to: 'eloise.dupre@client.example', subject, text, template: 'deposit-notice' });

    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail?.rcptTo).toEqual(['eloise.dupre@client.example']);
    expect(mail?.from).toBe('noreply@pli.example');

    const headers = topHeaders(mail?.raw ?? '');
    expect(headers.get('to')).toBe('eloise.dupre@client.example');
    expect(decodeHeaderValue(headers.get('subject') ?? '')).toBe(subject);
    // Raw accents in a header would be a protocol violation for 7-bit relays.
    // eslint-disable-next-line no-control-regex -- the whole 7-bit range is the point
    expect(/[^\x00-\x7f]/.test(headers.get('subject') ?? '')).toBe(false);
    expect(headers.get('message-id')).toBe(messageId);
    expect(headers.get(TEMPLATE_HEADER.toLowerCase())).toBe('deposit-notice');

    const parts = parseMime(mail?.raw ?? '');
    expect(parts).toHaveLength(1);
    expect(parts[0]?.headers.get('content-type')).toMatch(/^text\/plain; charset=utf-8/i);
    expect(parts[0]?.body).toBe(text);
  });

  it('sends HTML alongside the text as multipart/alternative', async () => {
    const { smtp, mailer } = await setup();
    const html = '<p>Bonjour <strong>Éloïse</strong>, votre lettre a été déposée.</p>';

    await mailer.send({ to: 'eloise.dupre@client.example', subject, text, html });

    const raw = smtp.received[0]?.raw ?? '';
    expect(topHeaders(raw).get('content-type')).toMatch(/^multipart\/alternative/i);
    const parts = parseMime(raw);
    expect(parts.map((p) => p.headers.get('content-type')?.split(';')[0])).toEqual(['text/plain', 'text/html']);
    expect(parts[0]?.body).toBe(text);
    expect(parts[1]?.body).toBe(html);
  });

  it('rejects with a clear error when a recipient is refused, flagged as permanent', async () => {
    const { mailer } = await setup({
      onRcptTo(address, _session, callback) {
        const err = new Error('Mailbox unavailable') as Error & { responseCode: number };
        err.responseCode = 550;
        callback(address.address.startsWith('nobody@') ? err : undefined);
      },
    });

    const err = await mailer.send({ to: 'nobody@client.example', subject: 'x', text: 'x' }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('unavailable');
    expect((err as AppError).extra).toMatchObject({ responseCode: 550, permanent: true });
  });

  it('rejects quickly with a clear error when the SMTP server is unreachable', async () => {
    // A port that was free a moment ago: connecting is refused.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const mailer = createSmtpMailer(`smtp://user:s3cret@127.0.0.1:${port}`, 'noreply@pli.example', {
      connectionTimeoutMs: 1_000,
    });
    const started = Date.now();
    const err = await mailer.send({ to: 'a@b.example', subject: 'x', text: 'x' }).catch((e: unknown) => e);

    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('unavailable');
    expect((err as AppError).message).toContain(`SMTP server 127.0.0.1:${port}`);
    expect((err as AppError).message).toMatch(/ECONNREFUSED/);
    expect((err as AppError).message).not.toContain('s3cret');
    await mailer.close?.();
  });

  it('gives up on a server that accepts the connection but never greets', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const { port } = silent.address() as net.AddressInfo;

    const mailer = createSmtpMailer(`smtp://127.0.0.1:${port}`, 'noreply@pli.example', { greetingTimeoutMs: 300 });
    const started = Date.now();
    const err = await mailer.send({ to: 'a@b.example', subject: 'x', text: 'x' }).catch((e: unknown) => e);

    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('unavailable');
    expect((err as AppError).message).toMatch(/greeting/i);
    await mailer.close?.();
  });
});
