import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
  S3ServiceException,
  type GetObjectCommandOutput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { AppError, message } from '../../errors.js';
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

export interface S3StorageConfig {
  /** Omit for AWS itself; set for MinIO, Garage, s3rver, … */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle?: boolean;
  /** Prepended to every object name, e.g. `objects/`; a missing trailing slash is added. */
  prefix?: string;
  /** Where streamed uploads are spooled while being hashed; defaults to os.tmpdir(). */
  spoolDir?: string;
}

type ObjectBody = NonNullable<GetObjectCommandOutput['Body']>;

function isNotFound(err: unknown): boolean {
  if (err instanceof S3ServiceException) {
    return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404;
  }
  return false;
}

/**
 * S3-compatible object storage, content-addressed like the local adapter.
 *
 * The key is the hash, known only once the last byte is read, and @aws-sdk/lib-storage (multipart
 * upload of a stream of unknown length) is not a dependency. So a stream is first spooled to a
 * local temp file while it is hashed and measured; then it goes up in a single PutObject straight
 * under its final key, with its length and SHA-256 so that S3 checks what it received. No
 * temporary S3 key is needed, and PutObject is atomic: readers never see a partial object.
 * Single PutObject caps objects at 5 GB, far above any letter or print file.
 */
export function createS3Storage(cfg: S3StorageConfig): ObjectStorage {
  const clientConfig: S3ClientConfig = {
    region: cfg.region,
    forcePathStyle: cfg.forcePathStyle ?? false,
    // Default "when supported" checksums use aws-chunked trailers that several S3-compatible
    // servers store verbatim, corrupting the object; we send our own SHA-256 header instead.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  if (cfg.endpoint) clientConfig.endpoint = cfg.endpoint;
  if (cfg.accessKeyId && cfg.secretAccessKey) {
    clientConfig.credentials = { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey };
  }
  const client = new S3Client(clientConfig);
  const bucket = cfg.bucket;
  const prefix = cfg.prefix ? (cfg.prefix.endsWith('/') ? cfg.prefix : `${cfg.prefix}/`) : '';
  const spoolDir = cfg.spoolDir ?? os.tmpdir();

  const objectName = (key: string): string => {
    assertObjectKey(key);
    return `${prefix}${key}`;
  };

  /** What S3 says of the object's lock: HeadObject carries the retention's date. */
  async function retainedUntil(key: string): Promise<Date | null> {
    try {
      const res = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectName(key) }));
      const until = res.ObjectLockRetainUntilDate;
      return until && until.getTime() > Date.now() ? until : null;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async function head(key: string): Promise<Omit<ObjectInfo, 'key'> | null> {
    try {
      const res = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectName(key) }));
      // A server that gives no date gets its objects treated as just stored: never swept.
      return { sizeBytes: res.ContentLength ?? 0, storedAt: res.LastModified ?? new Date() };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async function spool(
    content: NodeJS.ReadableStream | Readable,
    maxBytes: number | undefined,
  ): Promise<{ file: string; sha256: Buffer; sizeBytes: number }> {
    await fs.mkdir(spoolDir, { recursive: true });
    const file = path.join(spoolDir, `pli-s3-upload-${randomUUID()}.part`);
    const handle = await fs.open(file, 'wx', 0o600);
    const hash = createHash('sha256');
    let sizeBytes = 0;
    try {
      // Throwing out of for-await destroys the source, so an oversized upload stops at once.
      for await (const chunk of content as AsyncIterable<unknown>) {
        const buf = toBuffer(chunk);
        sizeBytes += buf.length;
        if (maxBytes !== undefined && sizeBytes > maxBytes) throw payloadTooLarge(maxBytes);
        hash.update(buf);
        await handle.write(buf);
      }
      await handle.close();
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fs.rm(file, { force: true });
      throw err;
    }
    return { file, sha256: hash.digest(), sizeBytes };
  }

  async function upload(
    digest: Buffer,
    sizeBytes: number,
    body: () => Buffer | Readable,
    contentType: string | undefined,
  ): Promise<StoredObject> {
    const sha256 = digest.toString('hex');
    // Sent even when the key exists (same key, same bytes): the object's LastModified must become
    // now, since the sweeper spares an object for a while after its latest put, which is all that
    // protects an upload not yet referenced by a row (ADR 0007). A copy onto itself would spare
    // the transfer but does not move the date on every S3-compatible server.
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: objectName(sha256),
        Body: body(),
        ContentLength: sizeBytes,
        ContentType: contentType ?? 'application/octet-stream',
        ChecksumSHA256: digest.toString('base64'),
      }),
    );
    return { key: sha256, sha256, sizeBytes };
  }

  async function getBody(key: string): Promise<ObjectBody> {
    let body: GetObjectCommandOutput['Body'];
    try {
      body = (await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectName(key) }))).Body;
    } catch (err) {
      if (isNotFound(err)) throw new AppError('not_found', message('not_found.object', { key }), { cause: err });
      throw err;
    }
    if (!body) throw new AppError('internal', message('storage.no_body', { key }));
    return body;
  }

  async function get(key: string): Promise<Readable> {
    // In Node the SDK body is an http.IncomingMessage, i.e. a Readable.
    return (await getBody(key)) as Readable;
  }

  return {
    async put(content: PutContent, opts: PutOptions = {}): Promise<StoredObject> {
      assertMaxBytes(opts.maxBytes);
      if (Buffer.isBuffer(content)) {
        if (opts.maxBytes !== undefined && content.length > opts.maxBytes) throw payloadTooLarge(opts.maxBytes);
        const digest = createHash('sha256').update(content).digest();
        return upload(digest, content.length, () => content, opts.contentType);
      }
      const spooled = await spool(content, opts.maxBytes);
      try {
        return await upload(spooled.sha256, spooled.sizeBytes, () => createReadStream(spooled.file), opts.contentType);
      } finally {
        await fs.rm(spooled.file, { force: true });
      }
    },

    get,

    async getBuffer(key: string): Promise<Buffer> {
      const body = await getBody(key);
      return Buffer.from(await body.transformToByteArray());
    },

    stat: head,

    async *list(): AsyncIterable<ObjectInfo> {
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
        for (const o of page.Contents ?? []) {
          const key = (o.Key ?? '').slice(prefix.length);
          // Only our keys: a prefix shared with something else must not feed the sweeper.
          if (isObjectKey(key)) yield { key, sizeBytes: o.Size ?? 0, storedAt: o.LastModified ?? new Date() };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },

    async delete(key: string): Promise<void> {
      // On a bucket with Object Lock, a delete without a version only hides the locked version
      // behind a delete marker: refused here before the retention's end, as S3 refuses a
      // version's deletion.
      const until = await retainedUntil(key);
      if (until) throw retainedObject(key, until);
      // S3 answers 204 for a missing key too.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectName(key) }));
    },

    async retain(key: string, until: Date): Promise<void> {
      const current = await retainedUntil(key);
      if (current && current.getTime() >= until.getTime()) return;
      // Compliance mode: nobody, the bucket's owner included, can shorten it or delete the
      // version before the date. The bucket must have been created with Object Lock enabled.
      await client.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: objectName(key), Retention: { Mode: 'COMPLIANCE', RetainUntilDate: until } }));
    },

    retainedUntil,

    async verify(key: string): Promise<boolean> {
      const { sha256 } = await sha256OfStream(await get(key));
      return sha256 === key;
    },

    async close(): Promise<void> {
      client.destroy();
    },
  };
}
