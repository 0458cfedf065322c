import { canonicalJson, type JsonValue } from '#domain/trust/canonical-json.js';
import { sealDetached, type SealDeps } from './cms-seal.js';
import { sha256 } from './pki.js';

/**
 * Evidence records (ETSI EN 319 522, spec §9): what happened to an envoi, when, between whom, on
 * which content — in RFC 8785 JSON, chained to the envoi's previous record by its SHA-256, sealed
 * by the provider (detached CMS, CAdES B-T) and time-stamped (RFC 3161 over the record's SHA-256).
 * Three files anyone checks with openssl: the record, its seal, its token.
 */
export const EVIDENCE_FORMAT = 'pli-evidence/v1';

export interface EvidenceInput {
  /** The ETSI EN 319 522-2 event name (SubmissionAcceptance, ConsignmentAcceptance, …). */
  readonly event: string;
  readonly envoi: string;
  readonly at: Date;
  readonly sender: { readonly organisation_id: string; readonly name: string };
  readonly recipient: { readonly name: string; readonly email: string | null };
  /** Every content part (letter, attachments) by its SHA-256. */
  readonly content: ReadonlyArray<{ readonly name: string; readonly sha256: string }>;
  /** The SHA-256 (hex) of the envoi's previous record, null for its first. */
  readonly previous: string | null;
  readonly details: { readonly [key: string]: JsonValue };
}

export interface SealedEvidence {
  /** The record's bytes as sealed (RFC 8785). */
  readonly record: string;
  readonly sha256: string;
  /** DER CMS SignedData, detached: `openssl cms -verify -binary -inform DER -content record`. */
  readonly seal: Uint8Array;
  /** DER RFC 3161 token over the record's SHA-256: `openssl ts -verify -data record -token_in`. */
  readonly timestampToken: Uint8Array;
}

export function evidenceRecord(input: EvidenceInput): string {
  return canonicalJson({
    format: EVIDENCE_FORMAT,
    event: input.event,
    envoi: input.envoi,
    at: input.at.toISOString(),
    sender: input.sender,
    recipient: input.recipient,
    content: input.content.map((c) => ({ name: c.name, sha256: c.sha256 })),
    previous: input.previous,
    details: input.details,
  });
}

export async function sealEvidence(deps: SealDeps, input: EvidenceInput): Promise<SealedEvidence> {
  const record = evidenceRecord(input);
  const bytes = new TextEncoder().encode(record);
  const digest = sha256(bytes);
  const [seal, timestampToken] = await Promise.all([sealDetached(bytes, deps), deps.timeStamper.stamp(digest)]);
  return { record, sha256: Buffer.from(digest).toString('hex'), seal, timestampToken };
}
