import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers.js';
import { lacks } from '../../../test/outside-tools.js';
import { sealEvidence, type EvidenceInput } from './evidence.js';
import { builtInTimeStamper, createTimeStampAuthority } from './time-stamping.js';
import { loadOrCreateTrustKeys, type TrustKeys } from './trust-keys.js';

/** Evidence records judged by tools nobody here wrote: openssl cms on the seal, openssl ts on the time-stamp. */
describe.skipIf(lacks('openssl'))('sealed, time-stamped evidence records', () => {
  let dir: string;
  let keys: TrustKeys;
  const clock = { now: () => new Date() };
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => {
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
  };
  const input: EvidenceInput = {
    event: 'ConsignmentAcceptance',
    envoi: 'EL2026000123',
    at: new Date('2026-12-08T09:15:00Z'),
    sender: { organisation_id: 'org_01', name: 'Mairie de Démo' },
    recipient: { name: 'Jeanne Martin', email: 'jeanne.martin@example.test' },
    content: [{ name: 'lettre.pdf', sha256: 'a'.repeat(64) }],
    previous: 'b'.repeat(64),
    details: { identity: 'oidc:sub-42', second_factor: 'sms' },
  };

  beforeAll(async () => {
    dir = tempDir('evidence');
    keys = await loadOrCreateTrustKeys(path.join(dir, 'keys'), clock);
    fs.writeFileSync(f('root.pem'), keys.root.certificatePem);
    fs.writeFileSync(f('tsa.pem'), keys.timeStamping.certificatePem);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a record is sealed (openssl cms -verify) and time-stamped (openssl ts -verify); a changed byte fails both', async () => {
    const sealed = await sealEvidence({ seal: keys.seal, root: keys.root, timeStamper: builtInTimeStamper(createTimeStampAuthority(keys.timeStamping, clock)) }, input);
    expect(JSON.parse(sealed.record)).toMatchObject({ format: 'pli-evidence/v1', event: 'ConsignmentAcceptance', envoi: 'EL2026000123', previous: 'b'.repeat(64), recipient: { name: 'Jeanne Martin' } });
    fs.writeFileSync(f('record.json'), sealed.record);
    fs.writeFileSync(f('seal.der'), sealed.seal);
    fs.writeFileSync(f('token.der'), sealed.timestampToken);
    const cms = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', f('seal.der'), '-CAfile', f('root.pem'), '-purpose', 'any', '-out', f('out.bin')];
    expect(openssl(...cms, '-content', f('record.json')).out).toContain('Verification successful');
    expect(openssl('ts', '-verify', '-data', f('record.json'), '-in', f('token.der'), '-token_in', '-CAfile', f('root.pem'), '-untrusted', f('tsa.pem')).out).toContain('Verification: OK');

    fs.writeFileSync(f('tampered.json'), sealed.record.replace('ConsignmentAcceptance', 'ConsignmentRejection'));
    expect(openssl(...cms, '-content', f('tampered.json')).ok).toBe(false);
    expect(openssl('ts', '-verify', '-data', f('tampered.json'), '-in', f('token.der'), '-token_in', '-CAfile', f('root.pem'), '-untrusted', f('tsa.pem')).ok).toBe(false);
  });
});
