import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SOURCE = /\.(ts|tsx|mjs|cjs|js|json|sh)$/;
const SKIP = new Set(['node_modules', 'dist', 'data', '.tmp', '.git']);

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (SOURCE.test(entry.name) || entry.name === 'run') yield full;
  }
}

/**
 * A clone with nothing beside it must run its tests, journeys, demo and benchmarks: the files
 * they read live in the repository (fixtures/), never in a folder next to it.
 */
describe('the repository is self-contained', () => {
  it('no code reads from a folder beside the repository', () => {
    const outside = /\.\.\/(\.\.\/)*shared\/|shared\/fixtures/;
    const self = path.relative(ROOT, import.meta.filename);
    const offenders: string[] = [];
    for (const dir of ['server', 'e2e', 'scripts', 'web/src', 'domain', 'contracts', '.ci']) {
      if (!fs.existsSync(path.join(ROOT, dir))) continue;
      for (const file of sourceFiles(path.join(ROOT, dir))) {
        const rel = path.relative(ROOT, file);
        if (rel === self) continue;
        fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
          if (outside.test(line)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(offenders).toEqual([]);
  });
});
