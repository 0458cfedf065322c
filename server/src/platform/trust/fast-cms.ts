import { KeyObject, randomBytes, sign } from 'node:crypto';
import type * as pkijs from 'pkijs';
import { context, generalizedTime, octets, oid, seq, setOf, small, unsigned, utcTime } from './der.js';
import { certificateDer, OID, sha256 } from './pki.js';
import type { SigningIdentity } from './trust-keys.js';

/**
 * The two signatures Pli makes by the thousand — RFC 3161 tokens of the built-in authority and
 * the detached CMS seals of evidence and PDFs — written as DER directly (der.ts). pkijs built the
 * same structures as object trees, each encoded, parsed and encoded again: ~15 ms a record where
 * the signature itself takes 0.1 ms. The output is the same standard structure; openssl, poppler
 * and the offline verifier (which still reads with pkijs) judge it in the tests.
 */
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const ID_DATA = '1.2.840.113549.1.7.1';
const ID_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';
const PLI_TSA_POLICY = '1.3.6.1.4.1.61128.1.1';

interface Signer {
  key: KeyObject;
  certificate: Uint8Array;
  /** IssuerAndSerialNumber (CMS §10.2.4). */
  sid: Uint8Array;
  /** ESS signing-certificate-v2 attribute value (RFC 5035): the certificate's SHA-256. */
  essCertIdV2: Uint8Array;
  subject: Uint8Array;
}

const signers = new WeakMap<SigningIdentity, Signer>();

/** Everything a signature takes from its identity, worked out once. */
function signerOf(identity: SigningIdentity): Signer {
  let s = signers.get(identity);
  if (!s) {
    const cert = identity.certificate;
    const certificate = certificateDer(cert);
    s = {
      key: KeyObject.from(identity.privateKey),
      certificate,
      sid: seq(new Uint8Array(cert.issuer.toSchema().toBER(false)), new Uint8Array(cert.serialNumber.toBER(false))),
      essCertIdV2: seq(seq(seq(octets(sha256(certificate))))),
      subject: new Uint8Array(cert.subject.toSchema().toBER(false)),
    };
    signers.set(identity, s);
  }
  return s;
}

const attribute = (type: string, value: Uint8Array) => seq(oid(type), setOf(value));
const sha256Algorithm = () => seq(oid(OID.sha256));

/** A SignerInfo with the signed attributes every Pli signature carries, plus `more`; its members
 * (to append unsigned attributes to) and its signature value. */
function signerInfo(signer: Signer, contentType: string, digest: Uint8Array, more: Uint8Array[]): { members: Uint8Array[]; signature: Uint8Array } {
  const attributes = [attribute(OID.contentType, oid(contentType)), ...more, attribute(OID.messageDigest, octets(digest)), attribute(OID.signingCertificateV2, signer.essCertIdV2)];
  // Signed over the SET OF form (tag 0x31); carried as [0] IMPLICIT with the same members.
  const signedSet = setOf(...attributes);
  const signature = new Uint8Array(sign('sha256', signedSet, { key: signer.key, dsaEncoding: 'der' }));
  const signedAttrs = new Uint8Array(signedSet);
  signedAttrs[0] = 0xa0;
  return { members: [small(1), signer.sid, sha256Algorithm(), signedAttrs, seq(oid(ECDSA_WITH_SHA256)), octets(signature)], signature };
}

function signedData(version: number, encapContentInfo: Uint8Array, certificates: Uint8Array[], info: Uint8Array): Uint8Array {
  const body = seq(small(version), setOf(sha256Algorithm()), encapContentInfo, ...(certificates.length ? [context(0, ...certificates)] : []), setOf(info));
  return seq(oid(OID.signedData), context(0, body));
}

/** An RFC 3161 token (ContentInfo of SignedData over a TSTInfo) for a SHA-256 digest, the authority's certificate included. */
export function timeStampToken(identity: SigningIdentity, digest: Uint8Array, at: Date): Uint8Array {
  const signer = signerOf(identity);
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const genTime = new Date(Math.floor(at.getTime() / 1000) * 1000);
  const tstInfo = seq(
    small(1),
    oid(PLI_TSA_POLICY),
    seq(sha256Algorithm(), octets(digest)),
    unsigned(serial),
    generalizedTime(genTime),
    seq(small(1)), // accuracy: ±1 second
    context(0, context(4, signer.subject)), // tsa: GeneralName directoryName
  );
  const info = signerInfo(signer, OID.tstInfo, sha256(tstInfo), [attribute(OID.signingTime, utcTime(genTime))]);
  return signedData(3, seq(oid(OID.tstInfo), context(0, octets(tstInfo))), [signer.certificate], seq(...info.members));
}

/**
 * A detached CMS SignedData over `data` by the seal, with the seal and root certificates, its
 * signature value time-stamped as an unsigned attribute (CAdES B-T).
 */
export async function detachedSeal(data: Uint8Array, seal: SigningIdentity, root: pkijs.Certificate, stamp: (digest: Uint8Array) => Promise<Uint8Array>): Promise<Uint8Array> {
  const signer = signerOf(seal);
  const info = signerInfo(signer, ID_DATA, sha256(data), []);
  // B-T: a time-stamp over the signature value, as an unsigned attribute ([1] IMPLICIT SET OF).
  const token = await stamp(sha256(info.signature));
  const unsignedAttrs = setOf(attribute(ID_TIMESTAMP_TOKEN, token));
  unsignedAttrs[0] = 0xa1;
  return signedData(1, seq(oid(ID_DATA)), [signer.certificate, certificateDer(root)], seq(...info.members, unsignedAttrs));
}
