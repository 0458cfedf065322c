import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  CreateBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalDiskStorage } from './local-disk.storage.js';
import { createS3Storage } from './s3.storage.js';
import { describeStorageContract } from './storage.contract.js';

async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

const makeTmpDir = (label: string): Promise<string> => fs.mkdtemp(path.join(os.tmpdir(), `pli-${label}-`));

describe('local disk adapter', () => {
  describeStorageContract('local disk', async () => {
    const root = await makeTmpDir('objects');
    return {
      storage: createLocalDiskStorage(root),
      cleanup: () => fs.rm(root, { recursive: true, force: true }),
      listArtifacts: () => listFiles(root),
      backdate: (key, at) => fs.utimes(path.join(root, key.slice(0, 2), key.slice(2, 4), key), at, at),
      tamper: async (key) => {
        const file = path.join(root, key.slice(0, 2), key.slice(2, 4), key);
        await fs.chmod(file, 0o644);
        const bytes = await fs.readFile(file);
        bytes[0] = (bytes[0] ?? 0) ^ 0xff;
        await fs.writeFile(file, bytes);
      },
    };
  });

  it('lays objects out as ab/cd/<key>, read-only, with no temp file left', async () => {
    const root = await makeTmpDir('objects');
    try {
      const storage = createLocalDiskStorage(root);
      const { key } = await storage.put(Buffer.from('Bordereau de dépôt n° 42'));
      expect(await listFiles(root)).toEqual([path.join(key.slice(0, 2), key.slice(2, 4), key)]);
      const st = await fs.stat(path.join(root, key.slice(0, 2), key.slice(2, 4), key));
      expect(st.mode & 0o777).toBe(0o444);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});

describe('local disk adapter: retention (WORM)', () => {
  const day = 24 * 3600 * 1000;
  let root: string;
  let now: Date;
  const clock = { now: () => now };
  beforeAll(async () => {
    root = await makeTmpDir('worm');
  });
  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  it('refuses to delete a retained object before the end of its retention, with the date, and deletes it after', async () => {
    now = new Date('2026-12-07T10:00:00Z');
    const storage = createLocalDiskStorage(root, clock);
    const { key } = await storage.put(Buffer.from(`Contrat de bail ${randomUUID()}`));
    const until = new Date('2027-12-07T10:00:00Z');
    await storage.retain(key, until);
    expect(await storage.retainedUntil(key)).toEqual(until);
    const refusal = await storage.delete(key).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'conflict', extra: { retainedUntil: until.toISOString() } });
    expect((refusal as Error).message).toContain('2027-12-07T10:00:00.000Z');
    expect(await storage.stat(key)).not.toBeNull();

    now = new Date(until.getTime() + 1);
    expect(await storage.retainedUntil(key)).toBeNull();
    await storage.delete(key);
    expect(await storage.stat(key)).toBeNull();
  });

  it('only ever extends a retention: an earlier date leaves the later one in force', async () => {
    now = new Date('2026-12-07T10:00:00Z');
    const storage = createLocalDiskStorage(root, clock);
    const { key } = await storage.put(Buffer.from(`Acte ${randomUUID()}`));
    await storage.retain(key, new Date(now.getTime() + 10 * 365 * day));
    await storage.retain(key, new Date(now.getTime() + 365 * day));
    expect(await storage.retainedUntil(key)).toEqual(new Date(now.getTime() + 10 * 365 * day));
  });

  it('keeps the longest of two retentions set at the same moment', async () => {
    now = new Date('2026-12-07T10:00:00Z');
    const storage = createLocalDiskStorage(root, clock);
    const { key } = await storage.put(Buffer.from(`Statuts ${randomUUID()}`));
    const dates = Array.from({ length: 20 }, (_, i) => new Date(now.getTime() + (i + 1) * day));
    await Promise.all(dates.map((d) => storage.retain(key, d)));
    expect(await storage.retainedUntil(key)).toEqual(dates[dates.length - 1]);
  });

  it('never replaces a retained file, not even by the same bytes, and never lists its retention as an object', async () => {
    now = new Date('2026-12-07T10:00:00Z');
    const storage = createLocalDiskStorage(root, clock);
    const bytes = Buffer.from(`Délibération ${randomUUID()}`);
    const { key } = await storage.put(bytes);
    await storage.retain(key, new Date(now.getTime() + day));
    const file = path.join(root, key.slice(0, 2), key.slice(2, 4), key);
    const before = await fs.stat(file);
    await storage.put(bytes);
    expect((await fs.stat(file)).ino).toBe(before.ino);
    const listed: string[] = [];
    for await (const o of storage.list()) listed.push(o.key);
    expect(listed.filter((k) => k === key)).toHaveLength(1);
  });
});

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (opts: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
}) => S3rverInstance;

describe('S3 adapter (s3rver)', () => {
  const bucket = 'pli-objects';
  const region = 'us-east-1';
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  let server: S3rverInstance;
  let serverDir: string;
  let endpoint: string;
  let admin: S3Client;

  beforeAll(async () => {
    // s3rver ships no type declarations; load it through require and describe what we use.
    const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
    serverDir = await makeTmpDir('s3rver');
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: serverDir });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    admin = new S3Client({ endpoint, region, credentials, forcePathStyle: true });
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  afterAll(async () => {
    admin?.destroy();
    await server?.close();
    if (serverDir) await fs.rm(serverDir, { recursive: true, force: true });
  });

  async function listKeys(prefix: string): Promise<string[]> {
    const res = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (res.Contents ?? []).map((o) => o.Key ?? '').sort();
  }

  describeStorageContract('S3', async () => {
    // A prefix and spool directory per test keep the tests' artifacts apart in one bucket.
    const prefix = `t-${randomUUID()}`;
    const spoolDir = await makeTmpDir('spool');
    const storage = createS3Storage({ endpoint, region, bucket, ...credentials, forcePathStyle: true, prefix, spoolDir });
    return {
      storage,
      cleanup: async () => {
        await storage.close?.();
        await fs.rm(spoolDir, { recursive: true, force: true });
      },
      listArtifacts: async () => [
        ...(await listKeys(`${prefix}/`)).map((k) => `s3:${k}`),
        ...(await listFiles(spoolDir)).map((f) => `spool:${f}`),
      ],
      tamper: async (key) => {
        await admin.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/${key}`, Body: Buffer.from('forged') }));
      },
      // s3rver answers LastModified from its file's modification time.
      backdate: (key, at) => fs.utimes(path.join(serverDir, bucket, prefix, `${key}._S3rver_object`), at, at),
    };
  });

  it('retains with Object Lock in compliance mode, and refuses a deletion before the date as S3 would', async () => {
    // s3rver has no Object Lock: a proxy in front plays S3's part of it (PUT ?retention, the lock
    // headers on HEAD, 403 on deleting a locked object) and passes everything else through.
    const locks = new Map<string, { mode: string; until: string }>();
    const seen: string[] = [];
    const upstream = new URL(endpoint);
    const proxy = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://proxy');
      const lock = locks.get(url.pathname);
      if (req.method === 'PUT' && url.searchParams.has('retention')) {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          seen.push(body);
          locks.set(url.pathname, { mode: /<Mode>(\w+)<\/Mode>/.exec(body)![1]!, until: /<RetainUntilDate>([^<]+)<\/RetainUntilDate>/.exec(body)![1]! });
          res.writeHead(200).end();
        });
        return;
      }
      if (req.method === 'DELETE' && lock && new Date(lock.until).getTime() > Date.now()) {
        res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code><Message>Access Denied because object protected by object lock.</Message></Error>');
        return;
      }
      const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        const headers = { ...up.headers, ...(lock && req.method === 'HEAD' ? { 'x-amz-object-lock-mode': lock.mode, 'x-amz-object-lock-retain-until-date': lock.until } : {}) };
        res.writeHead(up.statusCode ?? 502, headers);
        up.pipe(res);
      });
      req.pipe(forward);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const storage = createS3Storage({ endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, region, bucket, ...credentials, forcePathStyle: true, prefix: `lock-${randomUUID()}` });
    try {
      const { key } = await storage.put(Buffer.from(`Contrat archivé ${randomUUID()}`));
      const until = new Date(Date.now() + 3600_000);
      await storage.retain(key, until);
      expect(seen[0]).toContain('<Mode>COMPLIANCE</Mode>');
      expect(await storage.retainedUntil(key)).toEqual(until);
      await expect(storage.delete(key)).rejects.toMatchObject({ code: 'conflict' });
      // An earlier date changes nothing: only one retention was sent.
      await storage.retain(key, new Date(Date.now() + 60_000));
      expect(seen).toHaveLength(1);
      expect(await storage.stat(key)).not.toBeNull();
    } finally {
      await storage.close?.();
      await new Promise((r) => proxy.close(r));
    }
  });

  it('stores objects under the configured prefix and leaves no spool file', async () => {
    const prefix = `p-${randomUUID()}/`;
    const spoolDir = await makeTmpDir('spool');
    const storage = createS3Storage({ endpoint, region, bucket, ...credentials, forcePathStyle: true, prefix, spoolDir });
    try {
      const { key } = await storage.put(Buffer.from('Avis de passage'));
      const streamed = await storage.put((await storage.get(key)) as NodeJS.ReadableStream);
      expect(streamed.key).toBe(key);
      expect(await listKeys(prefix)).toEqual([`${prefix}${key}`]);
      expect(await listFiles(spoolDir)).toEqual([]);
    } finally {
      await storage.close?.();
      await fs.rm(spoolDir, { recursive: true, force: true });
    }
  });
});
