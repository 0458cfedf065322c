import fs from 'node:fs';
import path from 'node:path';

/**
 * One process at a time may open the embedded database. The lock file holds the owner's pid;
 * a lock whose process is gone (kill -9) is stale and taken over.
 */
export interface DataDirLock {
  release(): void;
}

export class DataDirBusyError extends Error {
  constructor(readonly pid: number, dir: string) {
    super(`The data directory ${dir} is in use by another Pli process (pid ${pid}). Stop it first, or use "npm run pli" which talks to the running server.`);
    this.name = 'DataDirBusyError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockPath(dataDir: string): string {
  return path.join(dataDir, 'pli.lock');
}

export function readLockOwner(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(lockPath(dataDir), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
  } catch {
    return null;
  }
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const file = lockPath(dataDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readLockOwner(dataDir);
      if (owner !== null && owner !== process.pid) throw new DataDirBusyError(owner, dataDir);
      fs.rmSync(file, { force: true }); // stale: its process died without releasing it
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}
