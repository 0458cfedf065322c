/**
 * The production rules (paper and envelope weights, the inserter's capacities, postage steps,
 * each class's limit and delivery target), effective-dated like tariffs and never edited in
 * place. Every quote reads them, a client's too, and they hold nothing of any organisation's:
 * everyone reads, provider staff insert (the route allows the provider administrator only).
 */
export const statements: string[] = [
  `CREATE TABLE production_rules (
     id text PRIMARY KEY,
     effective_from date NOT NULL UNIQUE,
     rules jsonb NOT NULL,
     created_by text REFERENCES users(id),
     created_at timestamptz NOT NULL
   )`,
  `ALTER TABLE production_rules ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE production_rules FORCE ROW LEVEL SECURITY`,
  `CREATE POLICY production_rules_read ON production_rules FOR SELECT USING (true)`,
  `CREATE POLICY production_rules_insert ON production_rules FOR INSERT WITH CHECK (pli_is_staff())`,
  `GRANT SELECT, INSERT ON production_rules TO pli_app`,
];
