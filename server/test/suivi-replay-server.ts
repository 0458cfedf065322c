import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';

/**
 * A stand-in for La Poste's Suivi v2 in tests: a plain node:http server on 127.0.0.1 answering
 * /suivi/v2/idships/:number from a script, one reply per call, in order.
 */
export type SuiviReply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  /** `chunked`: sent in pieces without Content-Length, as a stream the client must cap itself. */
  | { status: number; raw: string; chunked?: boolean; headers?: Record<string, string> }
  /** An empty body, e.g. { status: 429, headers: { 'retry-after': '30' } }. */
  | { status: number; headers?: Record<string, string> }
  /** Never answers: the client's timeout must end it. */
  | { hang: true }
  /** The socket is destroyed before any answer. */
  | { destroy: true };

export interface SuiviRequest {
  /** Path and query, as received. */
  path: string;
  /** The number, decoded, when the path is a Suivi one. */
  number: string | null;
  apiKey: string | undefined;
  accept: string | undefined;
}

export interface SuiviReplayServer {
  /** e.g. http://127.0.0.1:40123, to give as baseUrl. */
  baseUrl: string;
  /** Appends replies to the number's queue. */
  script(number: string, ...replies: SuiviReply[]): void;
  requests: SuiviRequest[];
  close(): Promise<void>;
}

const ROUTE = /^\/suivi\/v2\/idships\/([^/?]+)(?:\?.*)?$/;

export async function startSuiviReplayServer(): Promise<SuiviReplayServer> {
  const queues = new Map<string, SuiviReply[]>();
  const requests: SuiviRequest[] = [];
  const sockets = new Set<net.Socket>();

  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    const match = ROUTE.exec(url);
    const number = match?.[1] === undefined ? null : decodeURIComponent(match[1]);
    requests.push({
      path: url,
      number,
      apiKey: header(req.headers['x-okapi-key']),
      accept: header(req.headers.accept),
    });
    if (req.method !== 'GET' || number === null) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such route');
      return;
    }
    const reply = queues.get(number)?.shift();
    if (reply === undefined) {
      // A test that forgot to script a call fails loudly rather than reading a plausible answer.
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`replay: nothing scripted for ${number}`);
      return;
    }
    if ('hang' in reply) return;
    if ('destroy' in reply) {
      req.socket.destroy();
      return;
    }
    if ('json' in reply) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(reply.json));
    } else if ('raw' in reply) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      if (reply.chunked === true) {
        for (let i = 0; i < reply.raw.length; i += 64 * 1024) res.write(reply.raw.slice(i, i + 64 * 1024));
        res.end();
      } else {
        res.end(reply.raw);
      }
    } else {
      res.writeHead(reply.status, reply.headers).end();
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    script(number, ...replies) {
      queues.set(number, [...(queues.get(number) ?? []), ...replies]);
    },
    requests,
    close() {
      // Hung requests keep their sockets open; server.close() alone would wait for them forever.
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'suivi');

/** A recorded-style Suivi body from server/test/fixtures/suivi/, e.g. suiviFixture('delivered'). */
export function suiviFixture(name: 'delivered' | 'returned' | 'unknown-404' | 'invalid-400'): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Record<string, unknown>;
}
