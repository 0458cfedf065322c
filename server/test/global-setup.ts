import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { migrations } from '../src/migrations/index.js';
import { missingTools, OUTSIDE_TOOLS } from './outside-tools.js';

/**
 * Builds migrated database templates once per run: a PGlite directory (creating one costs ~5 s,
 * copying it ~0.3 s) and, with TEST_DATABASE_URL, a PostgreSQL template database that each test
 * file clones with CREATE DATABASE … TEMPLATE.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string | null;
    postgresAdminUrl: string | null;
  }
}

const ROOT = path.resolve(import.meta.dirname, '../..');

function templateHash(): string {
  return createHash('sha256').update(JSON.stringify(migrations)).digest('hex').slice(0, 16);
}

async function prepare(databaseUrl: string | undefined, pgliteDir: string): Promise<void> {
  const database = await openDatabase({ databaseUrl, pgliteDir });
  try {
    await migrate(database.db);
  } finally {
    await database.close();
  }
}

/** One line saying what this machine cannot run, and why; CI must run everything. */
function reportSkipped(): void {
  const skipped: string[] = [];
  if (!process.env.TEST_DATABASE_URL) skipped.push('the PostgreSQL runs and the multi-process tests (TEST_DATABASE_URL is not set)');
  const missing = missingTools();
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((t) => OUTSIDE_TOOLS[t].install))].join(' ');
    skipped.push(`the checks by ${missing.join(', ')} (not installed: apt-get install ${packages})`);
  }
  if (skipped.length === 0) return;
  if (process.env.CI) throw new Error(`CI runs every test, but this machine would skip ${skipped.join('; ')}`);
  console.warn(`npm test skips ${skipped.join('; ')}.`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  reportSkipped();
  const dir = path.join(ROOT, '.tmp', 'test-templates', `pglite-${templateHash()}`);
  if (!fs.existsSync(path.join(dir, 'READY'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    await prepare(undefined, path.join(dir, 'db'));
    fs.writeFileSync(path.join(dir, 'READY'), new Date().toISOString());
  }
  project.provide('pgliteTemplate', path.join(dir, 'db'));

  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    project.provide('postgresTemplate', null);
    project.provide('postgresAdminUrl', null);
    return async () => undefined;
  }
  const name = `pli_tmpl_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await prepare(url.toString(), '');
  project.provide('postgresTemplate', name);
  project.provide('postgresAdminUrl', adminUrl);
  return async () => {
    // Clones made by test files are dropped by the files; drop any a crashed file left behind.
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${name}%`]);
    for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  };
}

export { sql };
