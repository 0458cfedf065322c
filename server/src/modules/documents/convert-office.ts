import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Office file → PDF with LibreOffice headless. Each conversion gets its own profile directory:
 * two soffice processes sharing one profile silently lose a conversion (stack-notes.md).
 */
export class ConversionError extends Error {
  constructor(message: string, readonly permanent: boolean) {
    super(message);
    this.name = 'ConversionError';
  }
}

export const SOFFICE_BINARY = process.env.PLI_SOFFICE ?? 'soffice';

export async function convertToPdf(source: Buffer, kind: string, timeoutMs: number, binary = SOFFICE_BINARY): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pli-convert-'));
  try {
    const input = path.join(dir, `document.${kind}`);
    await fs.writeFile(input, source);
    const profile = path.join(dir, 'profile');
    await new Promise<void>((resolve, reject) => {
      const child = spawn(binary, [`-env:UserInstallation=file://${profile}`, '--headless', '--norestore', '--convert-to', 'pdf', '--outdir', dir, input], {
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()).slice(-2000));
      const timer = setTimeout(() => {
        // The whole process group: soffice forks.
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
        reject(new ConversionError(`LibreOffice did not finish within ${Math.round(timeoutMs / 1000)} s.`, false));
      }, timeoutMs);
      child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          err.code === 'ENOENT'
            ? new ConversionError('LibreOffice is not installed on the server, so office files cannot be converted. Upload a PDF, or ask the administrator to install LibreOffice (see the README).', true)
            : err,
        );
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new ConversionError(`LibreOffice could not convert the file (exit ${code}). ${stderr.trim().split('\n').pop() ?? ''}`.trim(), true));
      });
    });
    try {
      return await fs.readFile(path.join(dir, 'document.pdf'));
    } catch {
      throw new ConversionError('LibreOffice produced no PDF: the file may be damaged or not a text document.', true);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
