import fs from 'node:fs';
import path from 'node:path';
import type * as pkijs from 'pkijs';
import type { Clock } from '../clock/clock.js';
import { certificateDer, certificateFromDer, generateKeyPair, issueCertificate, pem, privateKeyFromPem, privateKeyToPem, unpem } from './pki.js';

/**
 * The provider's trust keys: a root that issues two certificates, one for the built-in
 * time-stamping authority (RFC 3161) and one for the seal on certificates and proofs. The
 * embedded default makes them on first start in PLI_DATA_DIR/keys (private keys readable by the
 * owner only, never logged); a production set-up puts its own files there (from its PKI or a
 * KMS export) and Pli only reads them.
 */
export interface SigningIdentity {
  readonly certificate: pkijs.Certificate;
  readonly certificatePem: string;
  readonly privateKey: CryptoKey;
}

export interface TrustKeys {
  readonly root: { readonly certificate: pkijs.Certificate; readonly certificatePem: string };
  readonly timeStamping: SigningIdentity;
  readonly seal: SigningIdentity;
}

const FILES = ['root.crt.pem', 'root.key.pem', 'tsa.crt.pem', 'tsa.key.pem', 'seal.crt.pem', 'seal.key.pem'] as const;
const YEAR_MS = 365.25 * 24 * 3600 * 1000;

export async function loadOrCreateTrustKeys(dir: string, clock: Clock): Promise<TrustKeys & { created: boolean }> {
  const present = FILES.filter((f) => fs.existsSync(path.join(dir, f)));
  if (present.length === 0) {
    await createTrustKeys(dir, clock);
    return { ...(await loadTrustKeys(dir)), created: true };
  }
  if (present.length < FILES.length) {
    const missing = FILES.filter((f) => !present.includes(f));
    throw new Error(`the trust keys in ${dir} are incomplete (missing ${missing.join(', ')}): restore them from a backup; Pli does not replace keys that proofs already depend on`);
  }
  return { ...(await loadTrustKeys(dir)), created: false };
}

async function loadTrustKeys(dir: string): Promise<TrustKeys> {
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  const identity = async (name: 'tsa' | 'seal'): Promise<SigningIdentity> => {
    const certificatePem = read(`${name}.crt.pem`);
    return { certificate: certificateFromDer(unpem('CERTIFICATE', certificatePem)), certificatePem, privateKey: (await privateKeyFromPem(read(`${name}.key.pem`))).privateKey };
  };
  const rootPem = read('root.crt.pem');
  return {
    root: { certificate: certificateFromDer(unpem('CERTIFICATE', rootPem)), certificatePem: rootPem },
    timeStamping: await identity('tsa'),
    seal: await identity('seal'),
  };
}

async function createTrustKeys(dir: string, clock: Clock): Promise<void> {
  const now = clock.now();
  // A little in the past: a verifier whose clock is a few minutes behind still accepts them.
  const notBefore = new Date(now.getTime() - 3600_000);
  const rootKeys = await generateKeyPair();
  // The root outlives the longest retention (30 years) so that old proofs keep a valid chain.
  const root = await issueCertificate({ subject: 'Pli trust root', publicKey: rootKeys.publicKey, selfSignKey: rootKeys.privateKey, notBefore, notAfter: new Date(now.getTime() + 40 * YEAR_MS), kind: 'root' });
  const issuer = { certificate: root, privateKey: rootKeys.privateKey };
  const tsaKeys = await generateKeyPair();
  const tsa = await issueCertificate({ subject: 'Pli time-stamping authority', publicKey: tsaKeys.publicKey, issuer, notBefore, notAfter: new Date(now.getTime() + 10 * YEAR_MS), kind: 'time-stamping' });
  const sealKeys = await generateKeyPair();
  const seal = await issueCertificate({ subject: 'Pli seal', publicKey: sealKeys.publicKey, issuer, notBefore, notAfter: new Date(now.getTime() + 10 * YEAR_MS), kind: 'seal' });

  const files: Record<(typeof FILES)[number], string> = {
    'root.crt.pem': pem('CERTIFICATE', certificateDer(root)),
    'root.key.pem': await privateKeyToPem(rootKeys.privateKey),
    'tsa.crt.pem': pem('CERTIFICATE', certificateDer(tsa)),
    'tsa.key.pem': await privateKeyToPem(tsaKeys.privateKey),
    'seal.crt.pem': pem('CERTIFICATE', certificateDer(seal)),
    'seal.key.pem': await privateKeyToPem(sealKeys.privateKey),
  };
  // Written in a directory beside, which then takes the keys directory's place in one rename: a
  // start that dies half-way leaves no half set behind.
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(dir), `.${path.basename(dir)}-new-`));
  try {
    fs.chmodSync(staging, 0o700);
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(staging, name), text, { mode: name.endsWith('.key.pem') ? 0o600 : 0o644 });
    if (fs.existsSync(dir)) fs.rmdirSync(dir); // only an empty one: anything in it stops here
    fs.renameSync(staging, dir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
