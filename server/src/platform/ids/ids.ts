import { randomBytes } from 'node:crypto';

/** Opaque ids with a type prefix (api.md): `org_…`, `usr_…`. Time-ordered so that lists and
 * cursors follow creation order without a second sort key. */
export type IdPrefix = 'org' | 'ctr' | 'usr' | 'key' | 'msg' | 'job' | 'evt' | 'imp' | 'doc' | 'ord' | 'mp' | 'trf' | 'bat' | 'whk' | 'dlv' | 'rng' | 'prr' | 'arc' | 'evd' | 'rcs' | 'ret' | 'adf' | 'pev' | 'chs';

export interface IdGenerator {
  next(prefix: IdPrefix): string;
}

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += ALPHABET[b % 32];
  return out;
}

export function createIdGenerator(now: () => number = Date.now, random: (n: number) => Buffer = randomBytes): IdGenerator {
  return {
    next: (prefix) => `${prefix}_${encodeTime(now())}${encodeRandom(random(16))}`,
  };
}

export const ID_PATTERN = /^[a-z]{2,3}_[0-9a-hjkmnp-tv-z]{26}$/;
