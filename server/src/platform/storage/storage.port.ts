import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { AppError, message } from '../../errors.js';

export interface StoredObject {
  /** The SHA-256 of the content, lowercase hex: objects are content-addressed. */
  key: string;
  sha256: string;
  sizeBytes: number;
}

export interface PutOptions {
  /** Abort (leaving nothing behind) once the content grows past this many bytes. */
  maxBytes?: number;
  contentType?: string;
}

export type PutContent = NodeJS.ReadableStream | Readable | Buffer;

export interface ObjectInfo {
  key: string;
  sizeBytes: number;
  /** When these bytes were last put: the sweeper's grace period counts from it (ADR 0007). */
  storedAt: Date;
}

/**
 * Where documents, print files, evidence and archives live. Content-addressed so that the same
 * bytes are stored once, a key doubles as a checksum, and a stored object can never change
 * under a key that other rows already reference.
 */
export interface ObjectStorage {
  /**
   * Streams the content in (never buffers it whole) and hashes it on the fly. Idempotent: the same
   * content twice gives the same key, and makes the object's `storedAt` now again. Throws
   * AppError('payload_too_large') past `maxBytes`.
   */
  put(content: PutContent, opts?: PutOptions): Promise<StoredObject>;
  /** Throws AppError('not_found') when missing. */
  get(key: string): Promise<Readable>;
  /** For small objects only: reads the whole object into memory. */
  getBuffer(key: string): Promise<Buffer>;
  stat(key: string): Promise<Omit<ObjectInfo, 'key'> | null>;
  /** Every stored object, in no particular order, without holding the whole list (the sweeper's walk). */
  list(): AsyncIterable<ObjectInfo>;
  /**
   * A missing object is not an error. Only the sweeper and the archive's approved destructions
   * delete: objects are shared by content. Refused (AppError 'conflict', `retainedUntil` in its
   * extra) while a retention holds the object.
   */
  delete(key: string): Promise<void>;
  /**
   * WORM: no deletion of the object before `until` — through this port, and where the store can
   * say so itself, by the store (S3 Object Lock in compliance mode). Only ever extends: an earlier
   * date than the one in force changes nothing. The object's bytes cannot change anyway (its key
   * is their hash), and a retained object is never replaced, not even by the same bytes.
   */
  retain(key: string, until: Date): Promise<void>;
  /** The end of the object's retention, or null when none holds it (or it has passed). */
  retainedUntil(key: string): Promise<Date | null>;
  /**
   * Re-hashes the stored bytes and compares them with the key. False means the object was
   * corrupted or tampered with; a missing object throws AppError('not_found').
   */
  verify(key: string): Promise<boolean>;
  /** Releases connections; optional because the local adapter holds none. */
  close?(): Promise<void>;
}

const KEY_PATTERN = /^[0-9a-f]{64}$/;

export function isObjectKey(key: string): boolean {
  return typeof key === 'string' && KEY_PATTERN.test(key);
}

/**
 * Keys end up in file paths and object names, so anything but a SHA-256 hex digest is refused
 * (path traversal, prefix escapes).
 */
export function assertObjectKey(key: string): void {
  if (!isObjectKey(key)) {
    throw new AppError('bad_request', 'storage.bad_key');
  }
}

export function payloadTooLarge(maxBytes: number): AppError {
  return new AppError('payload_too_large', message('storage.too_large', { max: maxBytes }), {
    extra: { maxBytes },
  });
}

/** The refusal of a deletion before the retention's end. */
export function retainedObject(key: string, until: Date): AppError {
  return new AppError('conflict', message('storage.retained', { key, until: until.toISOString() }), { extra: { retainedUntil: until.toISOString() } });
}

export function assertMaxBytes(maxBytes: number | undefined): void {
  if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes < 0)) {
    throw new AppError('bad_request', 'storage.bad_max_bytes');
  }
}

/** Chunks from a NodeJS.ReadableStream in string mode arrive as strings. */
export function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new AppError('bad_request', 'storage.bad_chunk');
}

export async function sha256OfStream(stream: AsyncIterable<unknown>): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of stream) {
    const buf = toBuffer(chunk);
    hash.update(buf);
    sizeBytes += buf.length;
  }
  return { sha256: hash.digest('hex'), sizeBytes };
}
