/**
 * The proof bundle (`GET /api/v1/archive/{id}/proof`): everything needed to check, with no server
 * and no network, that a file is the one Pli archived, when, and that the journal recording it
 * was never rewritten. Plain JSON; binary values in base64, certificates in PEM.
 */
export const BUNDLE_FORMAT = 'pli-proof/v1';

export interface BundleCheckpoint {
  readonly tree_size: number;
  /** base64 of the RFC 9162 tree head. */
  readonly root_hash: string;
  readonly signed_at: string;
  /** The RFC 8785 statement that was signed and time-stamped. */
  readonly statement: string;
  /** ECDSA P-256 over the statement's bytes, IEEE P1363 (r‖s), base64. */
  readonly signature: string;
  /** RFC 3161 token (DER ContentInfo, base64) over the statement's SHA-256. */
  readonly timestamp_token: string;
  /** The seal certificate (PEM) that signed it, when not `certificates.seal` (a key rotated since). */
  readonly seal_certificate?: string;
}

export interface BundleEntry {
  readonly seq: number;
  /** The entry's RFC 8785 text, exactly as it was hashed into the journal. */
  readonly entry: string;
  /** RFC 9162 inclusion proof of the entry in the checkpoint's tree, base64 hashes, bottom first. */
  readonly inclusion: readonly string[];
}

export interface ProofBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly issued_at: string;
  readonly item: {
    readonly id: string;
    readonly tier: 'simple' | 'electronic';
    readonly filename: string;
    readonly size_bytes: number;
    readonly sha256: string;
    readonly sha3_256: string;
    readonly deposited_at: string;
    readonly retention_years: number | null;
    readonly retain_until: string | null;
  };
  /** RFC 3161 token (DER ContentInfo, base64) over the file's SHA-256; null for the simple archive. */
  readonly file_timestamp_token: string | null;
  readonly journal: {
    readonly log: string;
    /** Every entry about the item up to the checkpoint, the deposit first. */
    readonly entries: readonly BundleEntry[];
    readonly checkpoint: BundleCheckpoint;
    /** The first checkpoint that covered the deposit, and the tree's consistency from it to `checkpoint`. */
    readonly earlier: { readonly checkpoint: BundleCheckpoint; readonly consistency: readonly string[] } | null;
  };
  readonly certificates: {
    readonly root: string;
    readonly seal: string;
    readonly time_stamping: string;
  };
}
