import { z } from 'zod';
import { systemClock, type Clock } from '../clock/clock.js';
import {
  PostalTrackingUnavailable,
  type PostalEvent,
  type PostalTracker,
  type TrackingAnswer,
} from './postal-tracking.port.js';

export interface LaPosteSuiviOptions {
  /** e.g. 'https://api.laposte.fr'; /suivi/v2/idships/… is added to it. */
  baseUrl: string;
  /** The X-Okapi-Key; never logged, never in an error. */
  apiKey: string;
  /** For the whole exchange, body included. Default 10 s. */
  timeoutMs?: number;
  /** Default 1 MiB; a shipment's answer is a few kB. */
  maxBodyBytes?: number;
  /** Reads a Retry-After given as a date. Default the system clock. */
  clock?: Clock;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

// Only what is used is checked; La Poste adds fields over time (holder, product, timeline, url…).
const SUIVI_SHIPMENT_BODY = z.object({
  returnCode: z.number().int().optional(),
  shipment: z.object({
    idShip: z.string(),
    isFinal: z.boolean(),
    event: z.array(z.object({ code: z.string().trim().min(1), label: z.string().trim(), date: z.string() })),
  }),
});

// La Poste's own error bodies: { returnCode: 104, returnMessage, idShip } or { code: 'RESOURCE_NOT_FOUND', message }.
const SUIVI_ERROR_BODY = z.union([z.object({ returnCode: z.number() }), z.object({ code: z.string() })]);

/**
 * Reads a Suivi v2 answer about one number (HTTP 200) into a 'found' answer; throws
 * PostalTrackingUnavailable('malformed') on anything else. Shared with the simulator.
 */
export function parseSuiviShipment(number: string, json: unknown): Extract<TrackingAnswer, { kind: 'found' }> {
  const parsed = SUIVI_SHIPMENT_BODY.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PostalTrackingUnavailable('malformed', issue === undefined ? 'unexpected shape' : `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const { shipment } = parsed.data;
  // An answer about another number must never be filed under this one.
  if (shipment.idShip.trim().toUpperCase() !== number.trim().toUpperCase()) {
    throw new PostalTrackingUnavailable('malformed', `answer about ${JSON.stringify(shipment.idShip)}, not ${JSON.stringify(number)}`);
  }
  const seen = new Set<string>();
  const events: PostalEvent[] = [];
  // Newest first on the wire: reversed so that events at the same instant keep their order once sorted.
  for (const e of [...shipment.event].reverse()) {
    const at = parseSuiviDate(e.date);
    if (at === null) throw new PostalTrackingUnavailable('malformed', `event ${e.code} dated ${JSON.stringify(e.date)}`);
    const key = `${e.code}@${at.getTime()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    events.push({ code: e.code, label: e.label, at });
  }
  events.sort((a, b) => a.at.getTime() - b.at.getTime());
  return { kind: 'found', number, final: shipment.isFinal, events };
}

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):?(\d{2}))$/;

/**
 * An ISO 8601 date-time with its offset. Date.parse is not enough: it rolls 30 February over into
 * March, and reads a date without offset in the server's own time zone.
 */
function parseSuiviDate(text: string): Date | null {
  const m = ISO_WITH_OFFSET.exec(text.trim());
  if (m === null) return null;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const s = Number(m[6] ?? '0');
  const ms = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59) return null;
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMinutes * 60_000);
}

/** La Poste's tracking API "Suivi" v2, one number per request. */
export function createLaPosteSuiviTracker(opts: LaPosteSuiviOptions): PostalTracker {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const clock = opts.clock ?? systemClock;

  return {
    async track(number) {
      if (number.trim() === '') return { kind: 'unknown', number };
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const res = await fetch(`${base}/suivi/v2/idships/${encodeURIComponent(number)}?lang=fr_FR`, {
          headers: { Accept: 'application/json', 'X-Okapi-Key': opts.apiKey },
          signal,
          // A redirect would carry the key wherever it points.
          redirect: 'manual',
        });
        const { status } = res;
        if (status >= 200 && status < 300) return parseSuiviShipment(number, await readJson(res, maxBodyBytes));
        if (status === 400 || status === 404) {
          // Only La Poste's own error body speaks about the number: a proxy's 404 page or a wrong
          // base URL must not make every letter 'unknown'.
          const body = await readJson(res, maxBodyBytes).catch((err: unknown) => {
            if (err instanceof PostalTrackingUnavailable && err.reason === 'malformed') return undefined;
            throw err;
          });
          if (SUIVI_ERROR_BODY.safeParse(body).success) return { kind: 'unknown', number };
          throw new PostalTrackingUnavailable('http_error', `HTTP ${status} without La Poste's error body`);
        }
        await discard(res);
        if (status === 401 || status === 403) throw new PostalTrackingUnavailable('refused', `HTTP ${status}`);
        if (status === 429) {
          const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), clock.now());
          const detail = retryAfterMs === null ? 'HTTP 429' : `HTTP 429, retry after ${Math.ceil(retryAfterMs / 1000)} s`;
          throw new PostalTrackingUnavailable('rate_limited', detail, { retryAfterMs });
        }
        throw new PostalTrackingUnavailable('http_error', `HTTP ${status}`);
      } catch (err) {
        if (err instanceof PostalTrackingUnavailable) throw err;
        // fetch and body reads fail with the signal's TimeoutError, or a TypeError for the network.
        if (signal.aborted) throw new PostalTrackingUnavailable('timeout', `no answer within ${timeoutMs} ms`, { cause: err });
        throw new PostalTrackingUnavailable('unreachable', networkDetail(err), { cause: err });
      }
    },
  };
}

async function readJson(res: Response, maxBytes: number): Promise<unknown> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await discard(res);
    throw new PostalTrackingUnavailable('malformed', `body of ${declared} bytes, over ${maxBytes}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body !== null) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new PostalTrackingUnavailable('malformed', `body over ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)));
  } catch (err) {
    throw new PostalTrackingUnavailable('malformed', 'body is not JSON', { cause: err });
  }
}

/** Frees the connection when the body is of no use. */
async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
function parseRetryAfter(value: string | null, now: Date): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

function networkDetail(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  const inner = cause instanceof Error ? cause : err;
  if (!(inner instanceof Error)) return String(inner);
  const code = 'code' in inner && typeof inner.code === 'string' ? inner.code : null;
  return code === null || inner.message.includes(code) ? inner.message : `${code}: ${inner.message}`;
}
