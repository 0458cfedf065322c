import fs from 'node:fs';
import path from 'node:path';
import { AppError, message, notFound } from '../../errors.js';

/**
 * The scanner's folder: a desk scanner saves each returned envelope or card into one folder
 * (PLI_DATA_DIR/returns-inbox by default); the desk lists what waits there and records a file
 * from it instead of an upload. Only plain files directly in the folder, by a name without any
 * path, are ever opened; a recorded file leaves the folder (its bytes are kept in storage).
 */
export interface InboxFile {
  name: string;
  sizeBytes: number;
  modifiedAt: Date;
}

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._()-]{0,199}$/u;
const SCAN_EXTENSIONS = /\.(pdf|png|jpe?g)$/i;

export async function listInbox(dir: string): Promise<InboxFile[]> {
  const entries = await fs.promises.readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const files: InboxFile[] = [];
  for (const e of entries) {
    if (!e.isFile() || !NAME.test(e.name) || !SCAN_EXTENSIONS.test(e.name)) continue;
    const st = await fs.promises.lstat(path.join(dir, e.name)).catch(() => null);
    if (st?.isFile()) files.push({ name: e.name, sizeBytes: st.size, modifiedAt: st.mtime });
  }
  return files.sort((a, b) => a.modifiedAt.getTime() - b.modifiedAt.getTime() || a.name.localeCompare(b.name));
}

/** The path of a file waiting in the folder, or a refusal a person can act on. */
export async function inboxPath(dir: string, name: string): Promise<string> {
  if (!NAME.test(name) || !SCAN_EXTENSIONS.test(name)) throw new AppError('validation_failed', 'returns.inbox_name', { errors: [{ field: 'inbox_file', message: 'field.invalid' }] });
  const file = path.join(dir, name);
  const st = await fs.promises.lstat(file).catch(() => null);
  // A link could point anywhere on the server: only plain files are read.
  if (!st?.isFile()) throw notFound(message('returns.inbox_missing', { name }));
  return file;
}

/** Once recorded, the file leaves the folder; gone already is fine (another desk took it). */
export async function removeFromInbox(file: string): Promise<void> {
  await fs.promises.unlink(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
