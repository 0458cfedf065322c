import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/**
 * The local control socket: in the embedded mode only one process can open the database, so a
 * running server takes the CLI's commands over HTTP on a unix socket in the data directory, and
 * runs them in-process through the same use cases (serialised with its own transactions, unlike a
 * second connection to PGlite would be). Reachable only by the data directory's owner (0600 socket
 * inside a 0700 directory).
 */
export interface ControlResult {
  code: number;
  stdout: string[];
  stderr: string[];
}

export type ControlHandler = (argv: string[]) => Promise<ControlResult>;

export function controlSocketPath(dataDir: string): string {
  return path.join(dataDir, 'control.sock');
}

const MAX_REQUEST_BYTES = 64 * 1024;

export async function startControlServer(dataDir: string, handler: ControlHandler, onError: (err: unknown) => void): Promise<{ close(): Promise<void> }> {
  const socketPath = controlSocketPath(dataDir);
  // The caller holds the data-directory lock, so a socket file left here is a dead server's.
  fs.rmSync(socketPath, { force: true });
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: ControlResult) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/run') return reply(404, { code: 2, stdout: [], stderr: ['Unknown control request.'] });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      let argv: unknown;
      try {
        argv = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { argv?: unknown }).argv;
      } catch {
        return reply(400, { code: 2, stdout: [], stderr: ['The control request is not JSON.'] });
      }
      if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) {
        return reply(400, { code: 2, stdout: [], stderr: ['The control request needs argv: string[].'] });
      }
      handler(argv as string[]).then(
        (result) => reply(200, result),
        (err: unknown) => {
          onError(err);
          reply(500, { code: 1, stdout: [], stderr: ['The server failed to run the command; its log has the details.'] });
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  fs.chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(socketPath, { force: true });
      }),
  };
}

/** Sends argv to the running server. Rejects when nothing listens on the socket. */
export function sendControlCommand(dataDir: string, argv: string[], timeoutMs = 120_000): Promise<ControlResult> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: controlSocketPath(dataDir), path: '/run', method: 'POST', headers: { 'content-type': 'application/json' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ControlResult);
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('The server did not answer the command in time.')));
    req.on('error', reject);
    req.end(JSON.stringify({ argv }));
  });
}
