import http from 'node:http';
import type net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

/**
 * A real SMTP server in a process of its own for the benchmarks (bench:eletters): it accepts
 * every message, counts it, and throws its body away. A tiny HTTP endpoint on 127.0.0.1 tells
 * the count: `GET /count` → `{ messages, notifications, first_at, last_at }` (times in epoch ms,
 * `notifications`: the messages whose X-Pli-Template header is `eletter.notification`);
 * `POST /reset` starts counting afresh. Prints `READY <smtp port> <http port>` once listening.
 */
// smtp-server waits 100 ms before its 220 greeting on every connection, to catch clients that talk
// too early (a fixed timer, no option). Pli opens one connection per message: that wait would make
// the sink the bound of the benchmark (measured: 150 ms a message with it, 48 ms without). A relay
// such as Postfix's smtpd greets at once; so does this sink. Everything else is smtp-server's own.
(SMTPConnection.prototype as unknown as { init(this: { _setListeners(ready: () => void): void; connectionReady(): void }): void }).init = function () {
  this._setListeners(() => this.connectionReady());
};

const TEMPLATE = /^X-Pli-Template:\s*eletter\.notification\s*$/im;

let messages = 0;
let notifications = 0;
let firstAt: number | null = null;
let lastAt: number | null = null;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  // A reverse DNS lookup for every connection would make the sink, not Pli, the bound.
  disableReverseLookup: true,
  logger: false,
  maxClients: 1000,
  onData(stream, _session, callback) {
    // Only the header block is looked at (for the template); the rest is read and dropped.
    let head = '';
    let inHead = true;
    stream.on('data', (chunk: Buffer) => {
      if (!inHead) return;
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end >= 0 || head.length > 64 * 1024) {
        if (end >= 0) head = head.slice(0, end);
        inHead = false;
      }
    });
    stream.on('end', () => {
      const now = Date.now();
      messages += 1;
      if (TEMPLATE.test(head)) notifications += 1;
      firstAt ??= now;
      lastAt = now;
      callback();
    });
  },
});
smtp.on('error', (err) => process.stderr.write(`smtp-sink: ${err.message}\n`));

const api = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/reset') {
    messages = 0;
    notifications = 0;
    firstAt = null;
    lastAt = null;
    res.writeHead(204).end();
    return;
  }
  if (req.method === 'GET' && req.url === '/count') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages, notifications, first_at: firstAt, last_at: lastAt }));
    return;
  }
  res.writeHead(404).end();
});

await new Promise<void>((resolve, reject) => {
  smtp.server.once('error', reject);
  smtp.listen(0, '127.0.0.1', () => resolve());
});
await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', () => resolve()));
const smtpPort = (smtp.server.address() as net.AddressInfo).port;
const httpPort = (api.address() as net.AddressInfo).port;
process.stdout.write(`READY ${smtpPort} ${httpPort}\n`);

const stop = () => {
  api.close();
  smtp.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
