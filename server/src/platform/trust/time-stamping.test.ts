import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lacks } from '../../../test/outside-tools.js';
import { tempDir } from '../../../test/helpers.js';
import { loadOrCreateTrustKeys, type TrustKeys } from './trust-keys.js';
import { createTimeStampAuthority, PLI_TSA_POLICY, remoteTimeStamper, type TimeStampAuthority } from './time-stamping.js';

const openssl = (...args: string[]) => {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
};

describe.skipIf(lacks('openssl'))('trust keys and the built-in time-stamping authority, judged by openssl', () => {
  let dir: string;
  let keys: TrustKeys;
  let tsa: TimeStampAuthority;
  // In the past: openssl checks the certificates against the real time.
  const clock = { now: () => new Date('2026-12-01T10:15:30.250Z') };
  const file = (name: string) => path.join(dir, name);

  beforeAll(async () => {
    dir = tempDir('trust');
    keys = await loadOrCreateTrustKeys(path.join(dir, 'keys'), clock);
    tsa = createTimeStampAuthority(keys.timeStamping, clock);
    fs.writeFileSync(file('letter.pdf'), fs.readFileSync(path.resolve(import.meta.dirname, '../../../../fixtures/letters/lettre-1-page.pdf')));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function stamp(queryArgs: string[], name: string): Promise<string> {
    expect(openssl('ts', '-query', '-data', file('letter.pdf'), ...queryArgs, '-out', file(`${name}.tsq`)).ok).toBe(true);
    fs.writeFileSync(file(`${name}.tsr`), await tsa.respond(fs.readFileSync(file(`${name}.tsq`))));
    return file(`${name}.tsr`);
  }

  it('makes a root, and from it a time-stamping and a seal certificate that openssl accepts, keys readable by the owner only', () => {
    const keysDir = path.join(dir, 'keys');
    for (const name of ['tsa', 'seal']) {
      expect(openssl('verify', '-CAfile', path.join(keysDir, 'root.crt.pem'), path.join(keysDir, `${name}.crt.pem`)).out).toContain(': OK');
      expect(fs.statSync(path.join(keysDir, `${name}.key.pem`)).mode & 0o777).toBe(0o600);
    }
    const tsaCert = openssl('x509', '-in', path.join(keysDir, 'tsa.crt.pem'), '-noout', '-text').out;
    expect(tsaCert).toMatch(/X509v3 Extended Key Usage: critical\s+Time Stamping/);
    expect(tsaCert).toMatch(/Subject: C ?= ?FR, O ?= ?Pli, CN ?= ?Pli time-stamping authority/);
  });

  it('finds the same keys on the next start, and refuses to replace an incomplete set', async () => {
    const again = await loadOrCreateTrustKeys(path.join(dir, 'keys'), clock);
    expect(again.created).toBe(false);
    expect(again.timeStamping.certificatePem).toBe(keys.timeStamping.certificatePem);
    const partial = path.join(dir, 'partial');
    fs.mkdirSync(partial);
    fs.copyFileSync(path.join(dir, 'keys', 'root.crt.pem'), path.join(partial, 'root.crt.pem'));
    await expect(loadOrCreateTrustKeys(partial, clock)).rejects.toThrow(/incomplete \(missing root\.key\.pem, tsa\.crt\.pem/);
    expect(fs.readdirSync(partial)).toEqual(['root.crt.pem']);
  });

  it('answers openssl’s request with a token openssl verifies: the file, the request’s nonce, the chain', async () => {
    const reply = await stamp(['-sha256', '-cert'], 'with-cert');
    expect(openssl('ts', '-verify', '-data', file('letter.pdf'), '-in', reply, '-CAfile', path.join(dir, 'keys', 'root.crt.pem')).out).toContain('Verification: OK');
    expect(openssl('ts', '-verify', '-queryfile', file('with-cert.tsq'), '-in', reply, '-CAfile', path.join(dir, 'keys', 'root.crt.pem')).out).toContain('Verification: OK');
    const text = openssl('ts', '-reply', '-in', reply, '-text').out;
    expect(text).toContain('Status: Granted.');
    expect(text).toContain(`Policy OID: ${PLI_TSA_POLICY}`);
    expect(text).toContain('Time stamp: Dec  1 10:15:30 2026 GMT');
    expect(text).toContain('Accuracy: 0x01 seconds');
    expect(text).toMatch(/TSA: DirName:\/?C\s?=\s?FR, ?O\s?=\s?Pli, ?CN\s?=\s?Pli time-stamping authority|TSA: DirName:\/C=FR\/O=Pli\/CN=Pli time-stamping authority/);
  });

  it('without the certificate in the token (no -cert), verifies with the certificate given beside it', async () => {
    const reply = await stamp(['-sha512', '-no_nonce'], 'no-cert');
    const root = path.join(dir, 'keys', 'root.crt.pem');
    expect(openssl('ts', '-verify', '-data', file('letter.pdf'), '-in', reply, '-CAfile', root).ok).toBe(false);
    expect(openssl('ts', '-verify', '-data', file('letter.pdf'), '-in', reply, '-CAfile', root, '-untrusted', path.join(dir, 'keys', 'tsa.crt.pem')).out).toContain('Verification: OK');
  });

  it('a token does not verify another file, nor under another root', async () => {
    const reply = await stamp(['-sha256', '-cert'], 'other');
    fs.writeFileSync(file('changed.pdf'), Buffer.concat([fs.readFileSync(file('letter.pdf')), Buffer.from('\n')]));
    expect(openssl('ts', '-verify', '-data', file('changed.pdf'), '-in', reply, '-CAfile', path.join(dir, 'keys', 'root.crt.pem')).ok).toBe(false);
    const elsewhere = await loadOrCreateTrustKeys(path.join(dir, 'other-keys'), clock);
    fs.writeFileSync(file('other-root.pem'), elsewhere.root.certificatePem);
    expect(openssl('ts', '-verify', '-data', file('letter.pdf'), '-in', reply, '-CAfile', file('other-root.pem')).ok).toBe(false);
  });

  it('refuses, as RFC 3161 answers, a SHA-1 request and bytes that are no request', async () => {
    const sha1 = await stamp(['-sha1'], 'sha1');
    const refused = openssl('ts', '-reply', '-in', sha1, '-text').out;
    expect(refused).toContain('Status: Rejected.');
    expect(refused).toMatch(/unrecognized or unsupported algorithm identifier/);
    expect(refused).toContain('is not accepted: use SHA-256, SHA-384 or SHA-512');
    const garbage = pkijs.TimeStampResp.fromBER(new Uint8Array(await tsa.respond(new TextEncoder().encode('not a request'))));
    expect(garbage.status.status).toBe(pkijs.PKIStatus.rejection);
    expect(garbage.timeStampToken).toBeUndefined();
  });

  it('the client of an outside authority (PLI_TSA_URL) gets a token openssl verifies, and says why when the authority fails or refuses', async () => {
    // An RFC 3161 authority over HTTP (§3.4), as a qualified provider runs one: here the built-in one behind a local server.
    let mode: 'serve' | 'down' | 'refuse' = 'serve';
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        if (mode === 'down' || req.headers['content-type'] !== 'application/timestamp-query') return void res.writeHead(503).end();
        const body = mode === 'refuse' ? new TextEncoder().encode('not a request') : Buffer.concat(chunks);
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(Buffer.from(await tsa.respond(body)));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
    try {
      const letter = fs.readFileSync(file('letter.pdf'));
      const token = await remoteTimeStamper(url).stamp(new Uint8Array(createHash('sha256').update(letter).digest()));
      fs.writeFileSync(file('remote.der'), token);
      expect(openssl('ts', '-verify', '-data', file('letter.pdf'), '-in', file('remote.der'), '-token_in', '-CAfile', path.join(dir, 'keys', 'root.crt.pem')).out).toContain('Verification: OK');
      mode = 'down';
      await expect(remoteTimeStamper(url).stamp(new Uint8Array(32))).rejects.toThrow(`the time-stamping authority at ${url} answered 503`);
      mode = 'refuse';
      await expect(remoteTimeStamper(url).stamp(new Uint8Array(32))).rejects.toThrow(/^the time-stamping authority refused: the request is not a DER TimeStampReq$/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
