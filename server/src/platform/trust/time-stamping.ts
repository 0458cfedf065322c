import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Clock } from '../clock/clock.js';
import { OID, randomSerial, sha256, signerInfoFor } from './pki.js';
import type { SigningIdentity } from './trust-keys.js';
import { timeStampToken } from './fast-cms.js';

/**
 * RFC 3161 time-stamps. The built-in authority answers a TimeStampReq with a TimeStampResp whose
 * token is a CMS SignedData over a TSTInfo, signed by the time-stamping certificate with the
 * ESS signing-certificate-v2 attribute (RFC 5816): what `openssl ts -verify` and any RFC 3161
 * client check. Production points PLI_TSA_URL at a qualified authority instead (tsa-client).
 */
export interface TimeStampAuthority {
  /** A DER TimeStampReq in, a DER TimeStampResp out (refusals are responses too, as the RFC says). */
  respond(requestDer: Uint8Array): Promise<Uint8Array>;
  /** A token for a SHA-256 digest, in process: no request to encode and parse, no response to
   * parse back (the built-in time-stamper's path; `respond` serves outside clients). */
  issue(sha256Digest: Uint8Array): Promise<Uint8Array>;
}

/** Pli's time-stamping policy (an OID under a private arc; recorded in each token). */
export const PLI_TSA_POLICY = '1.3.6.1.4.1.61128.1.1';

const DIGEST_LENGTHS: Record<string, number> = { [OID.sha256]: 32, [OID.sha384]: 48, [OID.sha512]: 64 };

/** PKIFailureInfo bits (RFC 3161 §2.4.2). */
const FAILURE = { badAlg: 0, badRequest: 2, badDataFormat: 5, unacceptedPolicy: 15 } as const;

export function createTimeStampAuthority(identity: SigningIdentity, clock: Clock): TimeStampAuthority {
  return {
    async respond(requestDer) {
      let request: pkijs.TimeStampReq;
      try {
        request = pkijs.TimeStampReq.fromBER(new Uint8Array(requestDer));
      } catch {
        return refusal('badDataFormat', 'the request is not a DER TimeStampReq');
      }
      const algorithm = request.messageImprint.hashAlgorithm.algorithmId;
      const expected = DIGEST_LENGTHS[algorithm];
      if (expected === undefined) return refusal('badAlg', `hash algorithm ${algorithm} is not accepted: use SHA-256, SHA-384 or SHA-512`);
      if (request.messageImprint.hashedMessage.valueBlock.valueHexView.byteLength !== expected) return refusal('badDataFormat', 'the message imprint does not have its algorithm’s length');
      if (request.reqPolicy && request.reqPolicy !== PLI_TSA_POLICY) return refusal('unacceptedPolicy', `policy ${request.reqPolicy} is not this authority’s (${PLI_TSA_POLICY})`);
      if (request.extensions && request.extensions.length > 0) return refusal('badRequest', 'request extensions are not supported');

      const token = await tokenFor(identity, clock, request.messageImprint, request.nonce, request.certReq === true);
      const response = new pkijs.TimeStampResp({ status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }), timeStampToken: token });
      return new Uint8Array(response.toSchema().toBER(false));
    },
    async issue(sha256Digest) {
      return timeStampToken(identity, sha256Digest, clock.now());
    },
  };
}

async function tokenFor(identity: SigningIdentity, clock: Clock, messageImprint: pkijs.MessageImprint, nonce: asn1js.Integer | undefined, withCertificate: boolean): Promise<pkijs.ContentInfo> {
  // Whole seconds: the token says ±1 s, and the time then has no fraction to mis-encode.
  const genTime = new Date(Math.floor(clock.now().getTime() / 1000) * 1000);
  const tstInfo = new pkijs.TSTInfo({
    version: 1,
    policy: PLI_TSA_POLICY,
    messageImprint,
    serialNumber: randomSerial(),
    genTime,
    accuracy: new pkijs.Accuracy({ seconds: 1 }),
    ...(nonce ? { nonce } : {}),
    tsa: new pkijs.GeneralName({ type: 4, value: identity.certificate.subject }),
  });
  return signedToken(identity, new Uint8Array(tstInfo.toSchema().toBER(false)), genTime, withCertificate);
}

async function signedToken(identity: SigningIdentity, tstInfoDer: Uint8Array, signingTime: Date, withCertificate: boolean): Promise<pkijs.ContentInfo> {
  const cert = identity.certificate;
  const signedData = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.tstInfo, eContent: new asn1js.OctetString({ valueHex: tstInfoDer }) }),
    signerInfos: [signerInfoFor(cert, OID.tstInfo, sha256(tstInfoDer), [new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: signingTime })] })])],
    ...(withCertificate ? { certificates: [cert] } : {}),
  });
  await signedData.sign(identity.privateKey, 0, 'SHA-256');
  return new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
}

function refusal(failure: keyof typeof FAILURE, text: string): Uint8Array {
  const bits = new Uint8Array(2);
  const bit = FAILURE[failure];
  bits[bit >> 3]! |= 0x80 >> (bit & 7);
  const used = bit < 8 ? bits.subarray(0, 1) : bits;
  let unused = 0;
  while (unused < 7 && ((used[used.length - 1]! >> unused) & 1) === 0) unused += 1;
  const status = new pkijs.PKIStatusInfo({
    status: pkijs.PKIStatus.rejection,
    statusStrings: [new asn1js.Utf8String({ value: text })],
    failInfo: new asn1js.BitString({ valueHex: used, unusedBits: unused }),
  });
  return new Uint8Array(new pkijs.TimeStampResp({ status }).toSchema().toBER(false));
}

/** What the trust services need from an authority: a token (DER ContentInfo) for a SHA-256 digest. */
export interface TimeStamper {
  stamp(sha256Digest: Uint8Array): Promise<Uint8Array>;
}

/** A TimeStampReq for a SHA-256 digest, asking for the certificate, with a random nonce. */
export function timeStampRequest(sha256Digest: Uint8Array): Uint8Array {
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: sha256Digest }),
    }),
    nonce: randomSerial(),
    certReq: true,
  });
  return new Uint8Array(request.toSchema().toBER(false));
}

/** The token of a granted response; a refusal becomes an error saying the authority's reason. */
export function tokenOf(responseDer: Uint8Array): Uint8Array {
  const response = pkijs.TimeStampResp.fromBER(new Uint8Array(responseDer));
  const status = response.status.status;
  if ((status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods) || !response.timeStampToken) {
    const why = response.status.statusStrings?.map((s) => s.valueBlock.value).join('; ') || `status ${status}`;
    throw new Error(`the time-stamping authority refused: ${why}`);
  }
  return new Uint8Array(response.timeStampToken.toSchema().toBER(false));
}

export function builtInTimeStamper(authority: TimeStampAuthority): TimeStamper {
  return { stamp: (digest) => authority.issue(digest) };
}

/** An outside authority over HTTP (RFC 3161 §3.4): production points PLI_TSA_URL at a qualified one. */
export function remoteTimeStamper(url: string, timeoutMs = 10_000): TimeStamper {
  return {
    async stamp(digest) {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
        body: Buffer.from(timeStampRequest(digest)),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!r.ok) throw new Error(`the time-stamping authority at ${url} answered ${r.status}`);
      return tokenOf(new Uint8Array(await r.arrayBuffer()));
    },
  };
}
