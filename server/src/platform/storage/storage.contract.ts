import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../../errors.js';
import type { ObjectStorage } from './storage.port.js';

export interface StorageUnderTest {
  storage: ObjectStorage;
  cleanup: () => Promise<void>;
  /**
   * Everything the adapter has left anywhere (stored objects, temp files, spool files), so the
   * suite can prove that an aborted upload leaves nothing behind.
   */
  listArtifacts?: () => Promise<string[]>;
  /** Alters the stored bytes behind the adapter's back, to prove verify() catches it. */
  tamper?: (key: string) => Promise<void>;
  /** Makes an object look stored at `at`, as it would after sitting there unused. */
  backdate: (key: string, at: Date) => Promise<void>;
}

const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

async function hashStream(stream: AsyncIterable<unknown>): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    hash.update(buf);
    sizeBytes += buf.length;
  }
  return { sha256: hash.digest('hex'), sizeBytes };
}

/**
 * A stream generated chunk by chunk, never held whole in memory; its expected hash is computed
 * as the chunks are produced. `totalBytes` Infinity gives an endless stream.
 */
function generatedStream(totalBytes: number, chunkBytes = 64 * 1024) {
  const expected = createHash('sha256');
  let produced = 0;
  const stream = Readable.from(
    (function* () {
      while (produced < totalBytes) {
        const chunk = randomBytes(Math.min(chunkBytes, totalBytes - produced));
        produced += chunk.length;
        expected.update(chunk);
        yield chunk;
      }
    })(),
  );
  return { stream, digest: () => expected.digest('hex'), produced: () => produced };
}

async function listAll(storage: ObjectStorage) {
  const all = [];
  for await (const o of storage.list()) all.push(o);
  return all;
}

/** toEqual on large Buffers compares byte by byte through the generic matcher: slow. */
function expectSameBytes(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length);
  expect(sha256Hex(actual)).toBe(sha256Hex(expected));
}

async function expectAppError(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  const err = await promise.then(
    () => {
      throw new Error(`expected AppError(${code}) but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
}

export function describeStorageContract(name: string, factory: () => Promise<StorageUnderTest>): void {
  describe(`ObjectStorage contract: ${name}`, () => {
    let sut: StorageUnderTest;
    let storage: ObjectStorage;

    beforeEach(async () => {
      sut = await factory();
      storage = sut.storage;
    });

    afterEach(async () => {
      await sut.cleanup();
    });

    it('stores a Buffer under its SHA-256 and gives the identical bytes back', async () => {
      const content = Buffer.from('%PDF-1.7\nLettre recommandée — accusé de réception\n', 'utf8');
      const stored = await storage.put(content, { contentType: 'application/pdf' });

      expect(stored.key).toBe(sha256Hex(content));
      expect(stored.sha256).toBe(stored.key);
      expect(stored.sizeBytes).toBe(content.length);
      expect(await readAll(await storage.get(stored.key))).toEqual(content);
      expect(await storage.getBuffer(stored.key)).toEqual(content);
      expect(await storage.stat(stored.key)).toEqual({ sizeBytes: content.length, storedAt: expect.any(Date) });
    });

    it('stores an empty object', async () => {
      const stored = await storage.put(Buffer.alloc(0));
      expect(stored).toEqual({ key: sha256Hex(''), sha256: sha256Hex(''), sizeBytes: 0 });
      expect((await storage.getBuffer(stored.key)).length).toBe(0);
    });

    it('streams ~5 MB in chunk by chunk and streams it back intact', async () => {
      const size = 5 * 1024 * 1024 + 123;
      const source = generatedStream(size);
      const stored = await storage.put(source.stream);

      expect(stored.sizeBytes).toBe(size);
      expect(stored.key).toBe(source.digest());
      expect(await hashStream(await storage.get(stored.key))).toEqual({ sha256: stored.key, sizeBytes: size });
      expect(await storage.stat(stored.key)).toMatchObject({ sizeBytes: size });
    });

    it('hashes string chunks as UTF-8, like Node crypto', async () => {
      const parts = ['Madame Éloïse Dupré\n', '12 rue de la Paix\n', '75002 PARIS\n'];
      const stored = await storage.put(Readable.from(parts));
      expect(stored.key).toBe(sha256Hex(parts.join('')));
      expect((await storage.getBuffer(stored.key)).toString('utf8')).toBe(parts.join(''));
    });

    it('is idempotent: the same content twice (buffer, then stream) gives the same key', async () => {
      const content = randomBytes(100_000);
      const first = await storage.put(content);
      const second = await storage.put(Readable.from([content.subarray(0, 4096), content.subarray(4096)]));
      expect(second).toEqual(first);
      expectSameBytes(await storage.getBuffer(first.key), content);
    });

    it('survives concurrent puts of the same content', async () => {
      const content = randomBytes(300_000);
      const results = await Promise.all([1, 2, 3].map(() => storage.put(Readable.from([content]))));
      expect(new Set(results.map((r) => r.key)).size).toBe(1);
      expect(await storage.verify(sha256Hex(content))).toBe(true);
    });

    it('lists every stored object with its size and when it was stored', async () => {
      expect(await listAll(storage)).toEqual([]);
      // Storage dates may be whole seconds.
      const before = Math.floor(Date.now() / 1000) * 1000;
      const a = await storage.put(Buffer.from('Lettre A'));
      const b = await storage.put(Readable.from([randomBytes(70_000)]));
      const listed = await listAll(storage);
      expect(listed.map((o) => [o.key, o.sizeBytes]).sort()).toEqual([[a.key, a.sizeBytes], [b.key, b.sizeBytes]].sort());
      for (const o of listed) {
        expect(o.storedAt.getTime()).toBeGreaterThanOrEqual(before);
        expect(o.storedAt.getTime()).toBeLessThanOrEqual(Date.now());
      }
    });

    it('a put of bytes already stored makes them stored now again (the sweeper spares them)', async () => {
      const content = Buffer.from('Bordereau de dépôt, envoyé deux fois');
      const stored = await storage.put(content);
      const longAgo = new Date('2020-01-01T00:00:00Z');
      await sut.backdate(stored.key, longAgo);
      expect((await storage.stat(stored.key))?.storedAt).toEqual(longAgo);
      const before = Math.floor(Date.now() / 1000) * 1000;
      await storage.put(Readable.from([content]));
      expect((await storage.stat(stored.key))!.storedAt.getTime()).toBeGreaterThanOrEqual(before);
      expect((await listAll(storage))[0]!.storedAt.getTime()).toBeGreaterThanOrEqual(before);
      expectSameBytes(await storage.getBuffer(stored.key), content);
    });

    it('reports a missing object as not_found on get/getBuffer/verify and null on stat', async () => {
      const missing = sha256Hex('never stored');
      await expectAppError(storage.get(missing), 'not_found');
      await expectAppError(storage.getBuffer(missing), 'not_found');
      await expectAppError(storage.verify(missing), 'not_found');
      expect(await storage.stat(missing)).toBeNull();
    });

    it('deletes an object, and deleting a missing one is not an error', async () => {
      const stored = await storage.put(Buffer.from('to be destroyed at the end of retention'));
      await storage.delete(stored.key);
      expect(await storage.stat(stored.key)).toBeNull();
      await expectAppError(storage.get(stored.key), 'not_found');
      await expect(storage.delete(stored.key)).resolves.toBeUndefined();
    });

    it('verifies an intact object', async () => {
      const stored = await storage.put(generatedStream(200_000).stream);
      expect(await storage.verify(stored.key)).toBe(true);
    });

    it('rejects a stream past maxBytes with payload_too_large and leaves nothing behind', async () => {
      const before = (await sut.listArtifacts?.()) ?? [];
      const source = generatedStream(2 * 1024 * 1024);
      await expectAppError(storage.put(source.stream, { maxBytes: 1024 * 1024 }), 'payload_too_large');
      if (sut.listArtifacts) expect(await sut.listArtifacts()).toEqual(before);
    });

    it('rejects a Buffer past maxBytes and accepts one exactly at it', async () => {
      const before = (await sut.listArtifacts?.()) ?? [];
      const content = randomBytes(1000);
      await expectAppError(storage.put(content, { maxBytes: 999 }), 'payload_too_large');
      expect(await storage.stat(sha256Hex(content))).toBeNull();
      if (sut.listArtifacts) expect(await sut.listArtifacts()).toEqual(before);

      const stored = await storage.put(content, { maxBytes: 1000 });
      expect(stored.sizeBytes).toBe(1000);
      const streamed = await storage.put(Readable.from([content]), { maxBytes: 1000 });
      expect(streamed.key).toBe(stored.key);
    });

    it('stops reading an endless stream once maxBytes is exceeded', async () => {
      const source = generatedStream(Number.POSITIVE_INFINITY);
      await expectAppError(storage.put(source.stream, { maxBytes: 256 * 1024 }), 'payload_too_large');
      // The source is abandoned soon after the limit rather than drained.
      expect(source.produced()).toBeLessThan(4 * 1024 * 1024);
    });

    it.each(['../etc/passwd', '../../' + 'a'.repeat(58), 'A'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), `${'a'.repeat(62)}/x`, ''])(
      'rejects the invalid key %j with bad_request',
      async (key) => {
        await expectAppError(storage.get(key), 'bad_request');
        await expectAppError(storage.getBuffer(key), 'bad_request');
        await expectAppError(storage.stat(key), 'bad_request');
        await expectAppError(storage.delete(key), 'bad_request');
        await expectAppError(storage.verify(key), 'bad_request');
      },
    );

    it('detects tampered bytes with verify()', async (ctx) => {
      if (!sut.tamper) {
        ctx.skip();
        return;
      }
      const stored = await storage.put(Buffer.from('Montant dû : 1 234,56 €'));
      await sut.tamper(stored.key);
      expect(await storage.verify(stored.key)).toBe(false);
    });
  });
}
