import { createHash, randomUUID } from 'node:crypto';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { message, notFound } from '../../errors.js';
import {
  assertMaxBytes,
  assertObjectKey,
  isObjectKey,
  payloadTooLarge,
  retainedObject,
  sha256OfStream,
  toBuffer,
  type ObjectInfo,
  type ObjectStorage,
  type PutContent,
  type PutOptions,
  type StoredObject,
} from './storage.port.js';

/** Kept inside rootDir so that the final rename never crosses filesystems (and stays atomic). */
const TMP_DIR = 'tmp';
/** Retentions: `<root>/retention/ab/cd/<key>` holds the end date (ISO 8601), read-only. */
const RETENTION_DIR = 'retention';

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}

/** A directory's entries, none when it does not exist (yet, or any more). */
async function readDir(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}

/**
 * Content-addressed objects on local disk: `<root>/ab/cd/abcd…`. The two-level fan-out keeps
 * directories small enough for every filesystem once there are millions of letters.
 */
export function createLocalDiskStorage(rootDir: string, clock: { now(): Date } = { now: () => new Date() }): ObjectStorage {
  const root = path.resolve(rootDir);
  const tmpRoot = path.join(root, TMP_DIR);

  const pathOf = (key: string): string => {
    assertObjectKey(key);
    return path.join(root, key.slice(0, 2), key.slice(2, 4), key);
  };
  const retentionPathOf = (key: string): string => {
    assertObjectKey(key);
    return path.join(root, RETENTION_DIR, key.slice(0, 2), key.slice(2, 4), key);
  };

  /** The retention recorded for the object, past or not. */
  async function recordedRetention(key: string): Promise<Date | null> {
    try {
      const until = new Date((await fs.readFile(retentionPathOf(key), 'utf8')).trim());
      return Number.isNaN(until.getTime()) ? null : until;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return null;
      throw err;
    }
  }

  async function retainedUntil(key: string): Promise<Date | null> {
    const until = await recordedRetention(key);
    return until && until.getTime() > clock.now().getTime() ? until : null;
  }

  async function writeTemp(
    content: PutContent,
    maxBytes: number | undefined,
  ): Promise<{ tmpPath: string; sha256: string; sizeBytes: number }> {
    await fs.mkdir(tmpRoot, { recursive: true });
    const tmpPath = path.join(tmpRoot, `${randomUUID()}.part`);
    // Created read-only: the open descriptor may still write, but nobody else can once stored.
    const handle = await fs.open(tmpPath, 'wx', 0o444);
    const hash = createHash('sha256');
    let sizeBytes = 0;
    try {
      const write = async (buf: Buffer): Promise<void> => {
        sizeBytes += buf.length;
        if (maxBytes !== undefined && sizeBytes > maxBytes) throw payloadTooLarge(maxBytes);
        hash.update(buf);
        await handle.write(buf);
      };
      if (Buffer.isBuffer(content)) {
        await write(content);
      } else {
        // Throwing out of for-await destroys the source stream, so an oversized upload stops
        // being read at once instead of being drained.
        for await (const chunk of content as AsyncIterable<unknown>) await write(toBuffer(chunk));
      }
      await handle.sync();
      await handle.close();
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fs.rm(tmpPath, { force: true });
      throw err;
    }
    return { tmpPath, sha256: hash.digest('hex'), sizeBytes };
  }

  async function syncDir(dir: string): Promise<void> {
    // Makes the rename itself durable; some platforms cannot open directories, which is fine.
    try {
      const dh = await fs.open(dir, 'r');
      try {
        await dh.sync();
      } finally {
        await dh.close();
      }
    } catch {
      /* best effort */
    }
  }

  async function openForRead(key: string): Promise<FileHandle> {
    const file = pathOf(key);
    try {
      return await fs.open(file, 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw notFound(message('not_found.object', { key }));
      throw err;
    }
  }

  async function get(key: string): Promise<Readable> {
    const handle = await openForRead(key);
    // Opened first so that a missing object rejects here rather than as a later stream error.
    return handle.createReadStream({ autoClose: true });
  }

  return {
    async put(content: PutContent, opts: PutOptions = {}): Promise<StoredObject> {
      assertMaxBytes(opts.maxBytes);
      if (Buffer.isBuffer(content) && opts.maxBytes !== undefined && content.length > opts.maxBytes) {
        throw payloadTooLarge(opts.maxBytes);
      }
      const { tmpPath, sha256, sizeBytes } = await writeTemp(content, opts.maxBytes);
      try {
        const finalPath = pathOf(sha256);
        const dir = path.dirname(finalPath);
        if ((await retainedUntil(sha256)) !== null && (await fs.stat(finalPath).catch(() => null)) !== null) {
          // WORM: a retained file is never replaced, only marked as put again.
          await fs.rm(tmpPath, { force: true });
          const now = new Date();
          await fs.utimes(finalPath, now, now);
          return { key: sha256, sha256, sizeBytes };
        }
        await fs.mkdir(dir, { recursive: true });
        // Renaming over an existing copy is harmless (same key means same bytes), and its fresh
        // modification time is the new storedAt.
        await fs.rename(tmpPath, finalPath);
        await syncDir(dir);
      } catch (err) {
        await fs.rm(tmpPath, { force: true });
        throw err;
      }
      return { key: sha256, sha256, sizeBytes };
    },

    get,

    async getBuffer(key: string): Promise<Buffer> {
      const handle = await openForRead(key);
      try {
        return await handle.readFile();
      } finally {
        await handle.close();
      }
    },

    async stat(key: string): Promise<Omit<ObjectInfo, 'key'> | null> {
      try {
        const st = await fs.stat(pathOf(key));
        return { sizeBytes: st.size, storedAt: st.mtime };
      } catch (err) {
        if (isErrno(err, 'ENOENT')) return null;
        throw err;
      }
    },

    async *list(): AsyncIterable<ObjectInfo> {
      // One directory at a time (the fan-out keeps each small); the temp directory is not objects.
      const fanOut = /^[0-9a-f]{2}$/;
      for (const a of (await readDir(root)).filter((n) => fanOut.test(n))) {
        for (const b of (await readDir(path.join(root, a))).filter((n) => fanOut.test(n))) {
          for (const key of await readDir(path.join(root, a, b))) {
            if (!isObjectKey(key) || !key.startsWith(a + b)) continue;
            const st = await fs.stat(path.join(root, a, b, key)).catch((err: unknown) => {
              if (isErrno(err, 'ENOENT')) return null; // deleted meanwhile
              throw err;
            });
            if (st) yield { key, sizeBytes: st.size, storedAt: st.mtime };
          }
        }
      }
    },

    async delete(key: string): Promise<void> {
      const until = await retainedUntil(key);
      if (until) throw retainedObject(key, until);
      await fs.rm(pathOf(key), { force: true });
      await fs.rm(retentionPathOf(key), { force: true });
    },

    async retain(key: string, until: Date): Promise<void> {
      const file = retentionPathOf(key);
      // Read again after each write: two retentions set at once (the same bytes deposited twice)
      // may rename over each other, and the longer one writes again until it is the one kept.
      for (let current = await recordedRetention(key); !current || current.getTime() < until.getTime(); current = await recordedRetention(key)) {
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.mkdir(tmpRoot, { recursive: true });
        // Written aside and renamed over: a reader sees the old date or the new one, never half.
        const tmp = path.join(tmpRoot, `${randomUUID()}.retention`);
        await fs.writeFile(tmp, until.toISOString(), { mode: 0o444 });
        await fs.rename(tmp, file);
        await syncDir(path.dirname(file));
      }
    },

    retainedUntil,

    async verify(key: string): Promise<boolean> {
      const stream = await get(key);
      const { sha256 } = await sha256OfStream(stream);
      return sha256 === key;
    },
  };
}
