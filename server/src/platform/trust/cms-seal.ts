import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID, sha256, signerInfoFor } from './pki.js';
import type { TimeStamper } from './time-stamping.js';
import type { SigningIdentity } from './trust-keys.js';

/**
 * The provider's seal on any bytes: a detached CMS SignedData (RFC 5652) by the seal key, with the
 * seal and root certificates, and an RFC 3161 time-stamp of the signature value as an unsigned
 * attribute (CAdES B-T). A sealed PDF carries it (PAdES), an evidence record sits beside it;
 * `openssl cms -verify -binary -content <data>` checks it.
 */
const OID_DATA = '1.2.840.113549.1.7.1';
const OID_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';

export interface SealDeps {
  readonly seal: SigningIdentity;
  readonly root: { readonly certificate: pkijs.Certificate };
  readonly timeStamper: TimeStamper;
}

export async function sealDetached(data: Uint8Array, deps: SealDeps): Promise<Uint8Array> {
  const cert = deps.seal.certificate;
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID_DATA }),
    signerInfos: [signerInfoFor(cert, OID_DATA, sha256(data))],
    certificates: [cert, deps.root.certificate],
  });
  await signedData.sign(deps.seal.privateKey, 0, 'SHA-256');
  // B-T: a time-stamp over the signature value proves the seal existed then.
  const signerInfo = signedData.signerInfos[0]!;
  const token = await deps.timeStamper.stamp(sha256(new Uint8Array(signerInfo.signature.valueBlock.valueHexView)));
  signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 1,
    attributes: [new pkijs.Attribute({ type: OID_TIMESTAMP_TOKEN, values: [asn1js.fromBER(new Uint8Array(token)).result] })],
  });
  const info = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(info.toSchema().toBER(false));
}
