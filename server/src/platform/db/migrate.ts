import { sql, type Kysely } from 'kysely';
import { migrations as allMigrations } from '../../migrations/index.js';
import type { DB } from './schema.js';

/** Arbitrary constant: serialises migrators when several processes start on one PostgreSQL. */
const MIGRATION_LOCK = 72_017_001;

export async function migrate(db: Kysely<DB>, migrations = allMigrations): Promise<string[]> {
  await sql`CREATE TABLE IF NOT EXISTS pli_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(db);
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.transaction().execute(async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(tx);
      const row = await tx.selectFrom('pli_migrations').select('id').where('id', '=', m.id).executeTakeFirst();
      if (row) return false;
      for (const statement of m.statements) await sql.raw(statement).execute(tx);
      await tx.insertInto('pli_migrations').values({ id: m.id }).execute();
      return true;
    });
    if (done) applied.push(m.id);
  }
  return applied;
}
