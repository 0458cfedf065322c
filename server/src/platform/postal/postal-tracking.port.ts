/** One step of a letter's journey as the postal operator reports it. */
export interface PostalEvent {
  /** The operator's event code, e.g. 'PC1', 'DI1' (see postalMeaning). */
  code: string;
  /** The operator's own wording, in French. */
  label: string;
  at: Date;
}

export type TrackingAnswer =
  /** Events oldest first; the same (code, at) is given once. `final`: the operator says the journey is over. */
  | { kind: 'found'; number: string; final: boolean; events: PostalEvent[] }
  /** The operator does not know this number (yet: a letter shows up some hours after deposit), or says it is invalid. */
  | { kind: 'unknown'; number: string };

export type TrackingFailure =
  /** No answer within the time allowed. */
  | 'timeout'
  /** No connection, or the connection was cut. */
  | 'unreachable'
  /** Too many requests: try again after retryAfterMs when given. */
  | 'rate_limited'
  /** Any other non-2xx answer (5xx, a proxy's page, a redirect). */
  | 'http_error'
  /** The operator refuses our credentials (401, 403): retrying will not help until they are fixed. */
  | 'refused'
  /** An answer we cannot read: not JSON, not the expected shape, a bad date, another number, too large. */
  | 'malformed';

/** The operator could not say anything about the number this time; nothing is known either way. */
export class PostalTrackingUnavailable extends Error {
  readonly reason: TrackingFailure;
  /** From a 429's Retry-After, when it had a usable one. */
  readonly retryAfterMs: number | null;

  constructor(reason: TrackingFailure, detail?: string, opts: { retryAfterMs?: number | null; cause?: unknown } = {}) {
    super(
      detail === undefined ? `postal tracking unavailable: ${reason}` : `postal tracking unavailable: ${reason} (${detail})`,
      opts.cause === undefined ? {} : { cause: opts.cause },
    );
    this.name = 'PostalTrackingUnavailable';
    this.reason = reason;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }
}

/** Follows a letter by its tracking number; throws PostalTrackingUnavailable when the operator cannot answer. */
export interface PostalTracker {
  track(number: string): Promise<TrackingAnswer>;
}

export type PostalMeaning = 'delivered' | 'returned_to_sender' | 'awaiting_collection' | 'problem' | 'in_transit';

// La Poste's codes that end or interrupt a journey; every other code (DR1, PC1/PC2, ET1–ET4, EP1,
// DO1–DO3, PB2, MD2, and codes added later) is a step on the way.
const MEANINGS: ReadonlyMap<string, PostalMeaning> = new Map([
  ['DI0', 'delivered'],
  ['DI1', 'delivered'],
  // Delivered back to the sender: for the sender, the letter came back.
  ['DI2', 'returned_to_sender'],
  ['RE1', 'returned_to_sender'],
  ['AG1', 'awaiting_collection'],
  ['PB1', 'problem'],
  ['ND1', 'problem'],
]);

/** What an operator's event code means for the letter. Unknown codes are taken as still travelling. */
export function postalMeaning(code: string): PostalMeaning {
  return MEANINGS.get(code.trim().toUpperCase()) ?? 'in_transit';
}
