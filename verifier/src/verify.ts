import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { sha3_256 } from '@noble/hashes/sha3.js';
import * as pkijs from 'pkijs';
import { canonicalJson } from '#domain/trust/canonical-json.js';
import { rfc9162Hasher, sameDigest, verifyConsistency, verifyInclusion } from '#domain/trust/merkle.js';
import { BUNDLE_FORMAT, type BundleCheckpoint, type ProofBundle } from './bundle.js';

/**
 * The offline verifier: a file and its proof bundle in, every check's outcome out. It needs no
 * server and no network — WebCrypto (in every browser and in Node), pkijs for the CMS of RFC 3161
 * tokens, and the very Merkle code the server journals with. The CLI (`npm run pli -- verify`)
 * and the browser page (/verify/) both run this.
 *
 * What a "verified" means: the file's hashes are those archived; a time-stamping authority whose
 * certificate chains to the bundle's root signed them at the time it says; the deposit is an entry
 * of the journal, included in a tree head that Pli's seal signed and an authority time-stamped;
 * and that tree extends the first one that held the deposit. Whether the root is Pli's is the
 * reader's to settle: its fingerprint is shown, to compare with the one Pli publishes, or pinned.
 */
export type CheckId =
  | 'bundle'
  | 'file_sha256'
  | 'file_sha3_256'
  | 'deposit_entry'
  | 'file_timestamp'
  | 'certificates'
  | 'root_pinned'
  | 'inclusion'
  | 'checkpoint_signature'
  | 'checkpoint_timestamp'
  | 'consistency';

export interface Check {
  readonly id: CheckId;
  readonly ok: boolean;
  /** What was found, in English; `describeCheck` words it in French too. */
  readonly detail: string;
  readonly params: Readonly<Record<string, string | number>>;
}

export interface Verification {
  readonly ok: boolean;
  readonly checks: readonly Check[];
  /** Facts worth showing once verified. */
  readonly facts: {
    readonly itemId?: string;
    readonly depositedAt?: string;
    readonly timestampedAt?: string;
    readonly checkpointSignedAt?: string;
    readonly rootFingerprint?: string;
  };
}

const hasher = rfc9162Hasher((data) => nobleSha256(data));
const subtle = () => globalThis.crypto.subtle;
let engineSet = false;

function useWebCrypto(): void {
  if (engineSet) return;
  // The platform's WebCrypto: window.crypto in a browser, globalThis.crypto in Node ≥ 20.
  pkijs.setEngine('pli-verifier', new pkijs.CryptoEngine({ name: 'pli-verifier', crypto: globalThis.crypto as Crypto }));
  engineSet = true;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const utf8 = (text: string) => new TextEncoder().encode(text);

export function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}

function fromPem(label: string, text: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(text);
  if (!match) throw new Error(`no ${label} in the bundle`);
  return fromBase64(match[1]!.replace(/\s+/g, ''));
}

const certificate = (pem: string) => pkijs.Certificate.fromBER(buffer(fromPem('CERTIFICATE', pem)));
/** The bytes in an ArrayBuffer of their own (a Node Buffer's `slice` is a view of a shared pool, not a copy). */
function buffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

async function publicKeyOf(cert: pkijs.Certificate): Promise<CryptoKey> {
  return subtle().importKey('spki', buffer(new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false))), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
}

/** An RFC 3161 token: its signature by a certificate chaining to `root`, over `data`'s SHA-256. Returns genTime. */
async function verifyTimeStamp(tokenDer: Uint8Array, data: Uint8Array, expectedSha256: Uint8Array, root: pkijs.Certificate, tsa: pkijs.Certificate): Promise<Date> {
  const info = pkijs.ContentInfo.fromBER(buffer(tokenDer));
  const signed = new pkijs.SignedData({ schema: info.content });
  const tst = pkijs.TSTInfo.fromBER(signed.encapContentInfo.eContent!.getValue());
  const imprint = new Uint8Array(tst.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (tst.messageImprint.hashAlgorithm.algorithmId !== '2.16.840.1.101.3.4.2.1' || !sameDigest(imprint, expectedSha256)) {
    throw new Error('the token is for other data');
  }
  // A token may or may not carry its certificate: the bundle's is offered either way.
  if (!signed.certificates || signed.certificates.length === 0) signed.certificates = [tsa];
  const ok = await signed.verify({ signer: 0, data: buffer(data), trustedCerts: [root], checkChain: true });
  if (!ok) throw new Error('its signature does not verify');
  return tst.genTime;
}

async function verifyCheckpointSignature(cp: BundleCheckpoint, sealKey: CryptoKey): Promise<string | null> {
  const expected = canonicalJson({ log: 'pli-trust-journal/v1', tree_size: cp.tree_size, root_hash: cp.root_hash, signed_at: cp.signed_at });
  if (cp.statement !== expected) return 'its statement does not say what its fields say';
  const ok = await subtle().verify({ name: 'ECDSA', hash: 'SHA-256' }, sealKey, buffer(fromBase64(cp.signature)), buffer(utf8(cp.statement)));
  return ok ? null : 'its signature is not the seal key’s';
}

export interface VerifyOptions {
  /** A root certificate (PEM) the reader trusts: the bundle's must be this one. */
  readonly pinnedRoot?: string;
}

export async function verifyBundle(file: Uint8Array, bundleText: string | ProofBundle, opts: VerifyOptions = {}): Promise<Verification> {
  useWebCrypto();
  const checks: Check[] = [];
  const facts: Record<string, string> = {};
  const add = (id: CheckId, ok: boolean, detail: string, params: Record<string, string | number> = {}) => checks.push({ id, ok, detail, params });
  const done = (): Verification => ({ ok: checks.length > 0 && checks.every((c) => c.ok), checks, facts });

  let bundle: ProofBundle;
  try {
    bundle = typeof bundleText === 'string' ? (JSON.parse(bundleText) as ProofBundle) : bundleText;
    if (bundle?.format !== BUNDLE_FORMAT) throw new Error(`its format is ${JSON.stringify(bundle?.format)}, not ${BUNDLE_FORMAT}`);
    if (!bundle.item || !bundle.journal?.checkpoint || !Array.isArray(bundle.journal.entries) || !bundle.certificates) throw new Error('parts are missing');
  } catch (err) {
    add('bundle', false, `This is not a Pli proof bundle: ${(err as Error).message}.`, { reason: (err as Error).message });
    return done();
  }
  add('bundle', true, `Proof bundle of archived item ${bundle.item.id}.`, { item: bundle.item.id });
  facts.itemId = bundle.item.id;
  facts.depositedAt = bundle.item.deposited_at;

  // 1. The file is the one archived.
  const digest = new Uint8Array(await subtle().digest('SHA-256', buffer(file)));
  const fileSha256 = hex(digest);
  add(
    'file_sha256',
    fileSha256 === bundle.item.sha256 && file.byteLength === bundle.item.size_bytes,
    fileSha256 === bundle.item.sha256 ? `The file's SHA-256 is the archived one (${fileSha256}).` : `The file's SHA-256 is ${fileSha256}, the archived file's ${bundle.item.sha256}: this is not the archived file, or it was altered.`,
    { actual: fileSha256, expected: bundle.item.sha256 },
  );
  const fileSha3 = hex(sha3_256(file));
  add(
    'file_sha3_256',
    fileSha3 === bundle.item.sha3_256,
    fileSha3 === bundle.item.sha3_256 ? 'Its SHA3-256 is the archived one too.' : `Its SHA3-256 is ${fileSha3}, the archived file's ${bundle.item.sha3_256}.`,
    { actual: fileSha3, expected: bundle.item.sha3_256 },
  );

  // 2. The certificates: the seal's and the authority's, issued by the root.
  let root: pkijs.Certificate, seal: pkijs.Certificate, tsa: pkijs.Certificate;
  try {
    root = certificate(bundle.certificates.root);
    seal = certificate(bundle.certificates.seal);
    tsa = certificate(bundle.certificates.time_stamping);
    const rootDer = new Uint8Array(root.toSchema(true).toBER(false));
    facts.rootFingerprint = hex(new Uint8Array(await subtle().digest('SHA-256', buffer(rootDer))));
    if (!(await root.verify())) throw new Error('the root does not sign itself');
    if (!(await seal.verify(root))) throw new Error('the seal certificate is not issued by the root');
    if (!(await tsa.verify(root))) throw new Error('the time-stamping certificate is not issued by the root');
    add('certificates', true, `The seal and time-stamping certificates are issued by the root whose SHA-256 fingerprint is ${facts.rootFingerprint}.`, { fingerprint: facts.rootFingerprint });
  } catch (err) {
    add('certificates', false, `The certificates do not hold: ${(err as Error).message}.`, { reason: (err as Error).message });
    return done();
  }
  if (opts.pinnedRoot !== undefined) {
    let pinned = '';
    try {
      pinned = hex(new Uint8Array(await subtle().digest('SHA-256', buffer(fromPem('CERTIFICATE', opts.pinnedRoot)))));
    } catch {
      /* stays empty: no certificate in what was given */
    }
    add('root_pinned', pinned === facts.rootFingerprint, pinned === facts.rootFingerprint ? 'The root is the one you trust.' : `The root is not the one you trust (${pinned || 'no certificate given'}).`, { pinned });
  }

  // 3. The deposit entry says these hashes, and the file's time-stamp.
  const entries = bundle.journal.entries;
  const deposit = entries.map((e) => ({ e, parsed: parseEntry(e.entry) })).find((x) => x.parsed?.kind === 'archive.deposited');
  const depositData = deposit?.parsed?.data ?? {};
  const depositOk = deposit !== undefined && deposit.parsed!.subject === bundle.item.id && deposit.parsed!.seq === deposit.e.seq && depositData.sha256 === bundle.item.sha256 && depositData.sha3_256 === bundle.item.sha3_256 && depositData.size_bytes === bundle.item.size_bytes;
  add(
    'deposit_entry',
    depositOk,
    depositOk ? `Journal entry ${deposit!.e.seq} records the deposit of these bytes.` : 'No journal entry in the bundle records the deposit of these hashes.',
    depositOk ? { seq: deposit!.e.seq } : {},
  );

  if (bundle.file_timestamp_token !== null) {
    try {
      const token = fromBase64(bundle.file_timestamp_token);
      if (depositData.timestamp_token_sha256 !== hex(nobleSha256(token))) throw new Error('it is not the token the deposit entry names');
      const at = await verifyTimeStamp(token, file, digest, root, tsa);
      facts.timestampedAt = at.toISOString();
      add('file_timestamp', true, `A time-stamping authority certified these bytes at ${facts.timestampedAt} (RFC 3161).`, { at: facts.timestampedAt });
    } catch (err) {
      add('file_timestamp', false, `The file's time-stamp does not hold: ${(err as Error).message}.`, { reason: (err as Error).message });
    }
  }

  // 4. Every entry is in the checkpoint's tree; the checkpoint is sealed and time-stamped.
  const cp = bundle.journal.checkpoint;
  const rootHash = fromBase64(cp.root_hash);
  const notIncluded = entries.filter((e) => !verifyInclusion(e.seq, cp.tree_size, hasher.leaf(utf8(e.entry)), e.inclusion.map(fromBase64), rootHash, hasher)).map((e) => e.seq);
  add(
    'inclusion',
    notIncluded.length === 0 && entries.length > 0,
    notIncluded.length === 0 ? `The ${entries.length} journal entries about this item are in the journal of ${cp.tree_size} entries.` : `Journal entr${notIncluded.length === 1 ? 'y' : 'ies'} ${notIncluded.join(', ')} ${notIncluded.length === 1 ? 'is' : 'are'} not in the journal the checkpoint vouches for: changed, or not Pli's.`,
    { count: entries.length, size: cp.tree_size, failed: notIncluded.join(', ') },
  );

  /** The seal that signed a checkpoint: the bundle's, or the one of its day (a key rotated since), issued by the root either way. */
  const sealKeyOf = async (c: BundleCheckpoint): Promise<CryptoKey | string> => {
    if (c.seal_certificate === undefined) return publicKeyOf(seal);
    try {
      const own = certificate(c.seal_certificate);
      return (await own.verify(root)) ? publicKeyOf(own) : 'its seal certificate is not issued by the root';
    } catch {
      return 'its seal certificate cannot be read';
    }
  };
  const signedBy = async (c: BundleCheckpoint) => {
    const key = await sealKeyOf(c);
    return typeof key === 'string' ? key : verifyCheckpointSignature(c, key);
  };
  const forged = await signedBy(cp);
  add('checkpoint_signature', forged === null, forged === null ? `Pli's seal signed that journal's head at ${cp.signed_at}.` : `The checkpoint is not one Pli signed: ${forged}.`, { at: cp.signed_at });
  facts.checkpointSignedAt = cp.signed_at;
  try {
    const statement = utf8(cp.statement);
    const at = await verifyTimeStamp(fromBase64(cp.timestamp_token), statement, nobleSha256(statement), root, tsa);
    add('checkpoint_timestamp', true, `A time-stamping authority certified that head at ${at.toISOString()}.`, { at: at.toISOString() });
  } catch (err) {
    add('checkpoint_timestamp', false, `The checkpoint's time-stamp does not hold: ${(err as Error).message}.`, { reason: (err as Error).message });
  }

  // 5. The journal only grew since the first checkpoint that held the deposit.
  const earlier = bundle.journal.earlier;
  if (earlier) {
    const earlierForged = await signedBy(earlier.checkpoint);
    const consistent = verifyConsistency(earlier.checkpoint.tree_size, cp.tree_size, earlier.consistency.map(fromBase64), fromBase64(earlier.checkpoint.root_hash), rootHash, hasher);
    const ok = earlierForged === null && consistent;
    add(
      'consistency',
      ok,
      ok
        ? `The journal of ${cp.tree_size} entries extends the one of ${earlier.checkpoint.tree_size} signed at ${earlier.checkpoint.signed_at}: nothing before was rewritten.`
        : earlierForged !== null
          ? `The earlier checkpoint is not one Pli signed: ${earlierForged}.`
          : `The journal of ${cp.tree_size} entries does not extend the one of ${earlier.checkpoint.tree_size}: it was rewritten.`,
      { from: earlier.checkpoint.tree_size, to: cp.tree_size },
    );
  }
  return done();
}

interface ParsedEntry {
  seq: number;
  kind: string;
  subject: string | null;
  data: Record<string, unknown>;
}

function parseEntry(text: string): ParsedEntry | null {
  try {
    const v = JSON.parse(text) as ParsedEntry;
    return typeof v === 'object' && v !== null ? v : null;
  } catch {
    return null;
  }
}

const FR: Record<CheckId, (c: Check) => string> = {
  bundle: (c) => (c.ok ? `Dossier de preuve de l’élément archivé ${c.params.item}.` : `Ce n’est pas un dossier de preuve Pli\u00a0: ${c.params.reason}.`),
  file_sha256: (c) => (c.ok ? `L’empreinte SHA-256 du fichier est celle de l’archive (${c.params.actual}).` : `L’empreinte SHA-256 du fichier est ${c.params.actual}, celle du fichier archivé ${c.params.expected}\u00a0: ce n’est pas le fichier archivé, ou il a été modifié.`),
  file_sha3_256: (c) => (c.ok ? 'Son empreinte SHA3-256 est aussi celle de l’archive.' : `Son empreinte SHA3-256 est ${c.params.actual}, celle du fichier archivé ${c.params.expected}.`),
  deposit_entry: (c) => (c.ok ? `L’entrée ${c.params.seq} du journal enregistre le dépôt de ces octets.` : 'Aucune entrée du journal dans ce dossier n’enregistre le dépôt de ces empreintes.'),
  file_timestamp: (c) => (c.ok ? `Une autorité d’horodatage a certifié ces octets le ${c.params.at} (RFC 3161).` : `L’horodatage du fichier ne tient pas\u00a0: ${c.params.reason}.`),
  certificates: (c) => (c.ok ? `Les certificats de cachet et d’horodatage sont émis par la racine d’empreinte SHA-256 ${c.params.fingerprint}.` : `Les certificats ne tiennent pas\u00a0: ${c.params.reason}.`),
  root_pinned: (c) => (c.ok ? 'La racine est celle en laquelle vous avez confiance.' : `La racine n’est pas celle en laquelle vous avez confiance (${c.params.pinned || 'aucun certificat donné'}).`),
  inclusion: (c) => (c.ok ? `Les ${c.params.count} entrées du journal sur cet élément figurent dans le journal de ${c.params.size} entrées.` : `Entrée(s) ${c.params.failed} absente(s) du journal que le point de contrôle garantit\u00a0: modifiée(s), ou étrangère(s) à Pli.`),
  checkpoint_signature: (c) => (c.ok ? `Le cachet de Pli a signé la tête de ce journal le ${c.params.at}.` : 'Ce point de contrôle n’a pas été signé par Pli.'),
  checkpoint_timestamp: (c) => (c.ok ? `Une autorité d’horodatage a certifié cette tête le ${c.params.at}.` : `L’horodatage du point de contrôle ne tient pas\u00a0: ${c.params.reason}.`),
  consistency: (c) => (c.ok ? `Le journal de ${c.params.to} entrées prolonge celui de ${c.params.from}\u00a0: rien d’antérieur n’a été réécrit.` : `Le journal de ${c.params.to} entrées ne prolonge pas celui de ${c.params.from}\u00a0: il a été réécrit.`),
};

/** A check's sentence in the reader's language. */
export function describeCheck(check: Check, language: 'en' | 'fr'): string {
  return language === 'fr' ? FR[check.id](check) : check.detail;
}
