/**
 * JSON Canonicalization Scheme (RFC 8785): one byte string for one JSON value, so that a journal
 * entry hashed here hashes the same in any verifier. Object keys sorted by their UTF-16 code
 * units, no white space, numbers as ECMAScript writes them, strings escaped as JSON.stringify does.
 * Refuses what JSON cannot carry (undefined, functions, NaN, Infinity, BigInt, cycles) rather
 * than dropping it silently, as JSON.stringify would.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

function write(value: unknown, open: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON form`);
      // ECMAScript's Number-to-String is RFC 8785's number form; -0 is written 0.
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (open.has(value)) throw new TypeError('a cycle has no JSON form');
      open.add(value);
      try {
        if (Array.isArray(value)) return `[${value.map((v) => write(v, open)).join(',')}]`;
        if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
          throw new TypeError(`a ${value.constructor?.name ?? 'non-plain'} object has no canonical JSON form: convert it first`);
        }
        const entries = Object.entries(value as Record<string, unknown>);
        for (const [key, v] of entries) if (v === undefined) throw new TypeError(`"${key}" is undefined: leave it out or use null`);
        // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks.
        entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${write(v, open)}`).join(',')}}`;
      } finally {
        open.delete(value);
      }
    }
    default:
      throw new TypeError(`a ${typeof value} has no JSON form`);
  }
}
