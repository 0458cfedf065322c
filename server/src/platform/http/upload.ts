import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { AppError } from '../../errors.js';

/**
 * The one file of a multipart upload, in the field `file`. Its stream is left to the caller (to
 * store it without buffering); the size limit is enforced by busboy one byte past `maxBytes`, so
 * whoever reads the stream sees the overflow and can refuse it cleanly.
 */
export async function receiveFile(request: FastifyRequest, maxBytes: number): Promise<MultipartFile> {
  if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'http.multipart_only');
  let file: MultipartFile | undefined;
  try {
    file = await request.file({ limits: { fileSize: maxBytes + 1, files: 1 } });
  } catch (err) {
    // busboy's parse errors (a boundary that never comes, a body cut short) are the sender's.
    if ((err as { statusCode?: number }).statusCode === 413) throw err;
    throw new AppError('bad_request', 'http.multipart_malformed', { cause: err });
  }
  if (!file || file.fieldname !== 'file') throw new AppError('validation_failed', 'http.no_file_field', { errors: [{ field: 'file', message: 'field.required' }] });
  return file;
}

/**
 * An uploaded file's bytes for whoever stores them: a failure of the upload itself (a body cut
 * short, a boundary that never comes) becomes the sender's 400 instead of a server fault, its
 * size limit stays a 413, and `onChunk` sees every chunk on the way (a second hash). Read with
 * for-await, so a part busboy failed before anyone listened still rejects instead of hanging.
 */
export function senderStream(file: Readable, onChunk?: (chunk: Buffer) => void): Readable {
  return Readable.from(
    (async function* () {
      try {
        for await (const chunk of file as AsyncIterable<Buffer>) {
          onChunk?.(chunk);
          yield chunk;
        }
      } catch (err) {
        if (err instanceof AppError || (err as { statusCode?: number }).statusCode === 413) throw err;
        throw new AppError('bad_request', 'http.multipart_malformed', { cause: err });
      }
    })(),
    { objectMode: false },
  );
}
