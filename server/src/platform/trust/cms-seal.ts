import type * as pkijs from 'pkijs';
import { detachedSeal } from './fast-cms.js';
import type { TimeStamper } from './time-stamping.js';
import type { SigningIdentity } from './trust-keys.js';

/**
 * The provider's seal on any bytes: a detached CMS SignedData (RFC 5652) by the seal key, with the
 * seal and root certificates, and an RFC 3161 time-stamp of the signature value as an unsigned
 * attribute (CAdES B-T). A sealed PDF carries it (PAdES), an evidence record sits beside it;
 * `openssl cms -verify -binary -content <data>` checks it. Written as DER directly (fast-cms.ts).
 */
export interface SealDeps {
  readonly seal: SigningIdentity;
  readonly root: { readonly certificate: pkijs.Certificate };
  readonly timeStamper: TimeStamper;
}

export async function sealDetached(data: Uint8Array, deps: SealDeps): Promise<Uint8Array> {
  return detachedSeal(data, deps.seal, deps.root.certificate, (digest) => deps.timeStamper.stamp(digest));
}
