import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

/**
 * The Node versions Pli promises (package.json `engines`, the README) are ones every installed
 * package says it supports: a package that asks for more would print warnings at install and may
 * break on the promised versions. Optional packages for other platforms count too — npm reads
 * their engines all the same.
 */
describe('the Node versions Pli promises', () => {
  const promised = pkg.engines.node;

  it('are what the README says', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('Needs Node.js 20.19 or later on the 20 line, 22.13 or later on the 22 line, or 24 and later');
    expect(semver.satisfies('20.19.0', promised) && semver.satisfies('22.13.0', promised) && semver.satisfies('24.0.0', promised)).toBe(true);
    expect(semver.satisfies('21.7.0', promised) || semver.satisfies('22.12.0', promised)).toBe(false);
  });

  it('are supported by every package the lock file installs', () => {
    const asking: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
      const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!where || !wanted) continue;
      if (!semver.subset(promised, wanted)) asking.push(`${where.replace(/^.*node_modules\//, '')}@${entry.version} wants Node ${wanted}`);
    }
    expect(asking).toEqual([]);
  });
});
