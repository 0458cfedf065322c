import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { DB } from './schema.js';

// bigint and count(*) arrive as strings from pg but numbers from PGlite: align on numbers.
// Every bigint we store (sizes, cents) stays far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// Calendar dates stay 'YYYY-MM-DD': a Date at local midnight shifts a day east of UTC.
pg.types.setTypeParser(1082, (v) => v);

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Kysely<DB>;
  /**
   * One statement outside any transaction, prepared once per connection under `name`: for the
   * statement every request runs (the API-key lookup), which then costs one round trip and no
   * parsing. Row-level security is the statement's own business (a function that sets its scope).
   */
  preparedQuery<R>(name: string, text: string, values: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  /** Where PGlite keeps its files when databaseUrl is unset. */
  pgliteDir?: string;
  /** Max pooled connections on PostgreSQL. */
  poolSize?: number;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  if (!opts.pgliteDir) throw new Error('openDatabase: pgliteDir is required without a database URL');
  return openPglite(opts.pgliteDir);
}

function openPostgres(connectionString: string, max: number): Database {
  const pool = new pg.Pool({ connectionString, max, application_name: 'pli' });
  // An idle client that loses its connection emits 'error'; without a listener the process dies.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    preparedQuery: async (name, text, values) => (await pool.query({ name, text, values })).rows,
    close: () => db.destroy(),
  };
}

async function openPglite(dir: string): Promise<Database> {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const pglite = await PGlite.create(dir);
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  // PGlite has ONE session. Anything that used it directly while a Kysely transaction is open
  // would run inside that transaction (and vanish with its rollback): every statement takes the
  // dialect's connection, i.e. waits for open transactions to finish.
  return {
    kind: 'pglite',
    db,
    // One session: the statement waits its turn behind open transactions.
    preparedQuery: (_name, text, values) => db.connection().execute(async () => (await pglite.query(text, values)).rows as never),
    close: async () => {
      await db.destroy(); // the dialect closes PGlite too
      if (!pglite.closed) await pglite.close();
    },
  };
}

export async function ping(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}
