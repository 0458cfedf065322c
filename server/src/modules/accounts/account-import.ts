import type { Kysely } from 'kysely';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { AccountImportRowRecord, DB } from '../../platform/db/schema.js';
import { inScope, type Tx } from '../../platform/db/scope.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import type { ObjectStorage } from '../../platform/storage/storage.port.js';
import { parseAccountFile } from './account-file/parse-account-file.js';
import { sendInvitation, type TokenDeps } from './tokens.js';
import { insertUser } from './users.js';

/**
 * Account import (M-2.1): the provider administrator uploads the client's file; a preview says
 * what each row will do before anything is written; applying creates the accounts and sends the
 * invitations. Re-importing the same people creates nothing new.
 */
export type ImportDeps = TokenDeps & { db: Kysely<DB>; storage: ObjectStorage };

export interface AccountImportView {
  id: string;
  organisation_id: string;
  filename: string;
  status: 'previewed' | 'applied';
  created_at: Date;
  applied_at: Date | null;
  summary: { create: number; already_present: number; error: number; created: number };
  rows: AccountImportRowRecord[];
}

/** Rows are created in chunks: each chunk is one transaction, so a row is never half-applied and
 * the embedded database is not held for the whole file. */
const APPLY_CHUNK = 200;

function summarise(rows: AccountImportRowRecord[]): AccountImportView['summary'] {
  const s = { create: 0, already_present: 0, error: 0, created: 0 };
  for (const r of rows) s[r.outcome] += 1;
  return s;
}

function toView(row: { id: string; organisation_id: string; filename: string; created_at: Date; applied_at: Date | null; rows: AccountImportRowRecord[] }): AccountImportView {
  return { ...row, status: row.applied_at ? 'applied' : 'previewed', summary: summarise(row.rows) };
}

/** What each valid row would do, given who already has an account. */
async function evaluate(tx: Tx, organisationId: string, rows: AccountImportRowRecord[]): Promise<AccountImportRowRecord[]> {
  const emails = rows.filter((r) => r.outcome !== 'error').map((r) => r.email);
  const existing = new Map<string, string>();
  for (let i = 0; i < emails.length; i += 1000) {
    const found = await tx.selectFrom('users').select(['email', 'organisation_id']).where('email', 'in', emails.slice(i, i + 1000)).execute();
    for (const f of found) existing.set(f.email, f.organisation_id);
  }
  return rows.map((r) => {
    if (r.outcome === 'error') return r;
    const owner = existing.get(r.email);
    if (owner === undefined) return { ...r, outcome: r.outcome === 'created' ? 'created' : 'create' };
    if (owner === organisationId) return { ...r, outcome: r.outcome === 'created' ? 'created' : 'already_present', reason: null, code: null };
    return { ...r, outcome: 'error', code: 'email_other_organisation', reason: 'This e-mail address already has an account in another organisation.' };
  });
}

async function clientOrganisation(tx: Tx, organisationId: string) {
  const org = await tx.selectFrom('organisations').select(['id', 'kind', 'status']).where('id', '=', organisationId).executeTakeFirst();
  if (!org) throw notFound('not_found.organisation');
  if (org.kind !== 'client') throw new AppError('business_rule', 'import.client_only');
  return org;
}

export async function previewAccountImport(
  deps: ImportDeps,
  principal: UserPrincipal,
  organisationId: string,
  file: { filename: string; bytes: Buffer },
  ip: string | null,
): Promise<AccountImportView> {
  const parsed = parseAccountFile(file.bytes, file.filename);
  const stored = await deps.storage.put(file.bytes);
  const id = deps.ids.next('imp');
  const rows: AccountImportRowRecord[] = parsed.rows.map((r) => ({
    line: r.line,
    name: r.name,
    email: r.email,
    role: r.role,
    outcome: r.error ? 'error' : 'create',
    reason: r.error?.message ?? null,
    code: r.error?.code ?? null,
  }));
  const view = await inScope(deps.db, scopeOf(principal), async (tx) => {
    await clientOrganisation(tx, organisationId);
    const evaluated = await evaluate(tx, organisationId, rows);
    const createdAt = deps.clock.now();
    await tx
      .insertInto('account_imports')
      .values({ id, organisation_id: organisationId, filename: file.filename.slice(0, 255), file_sha256: stored.sha256, created_by: principal.userId, created_at: createdAt, rows: JSON.stringify(evaluated) })
      .execute();
    await recordAudit(tx, deps, { organisationId, actorUserId: principal.userId, action: 'account_import.previewed', subjectId: id, detail: { filename: file.filename, sha256: stored.sha256, rows: evaluated.length }, ip });
    return toView({ id, organisation_id: organisationId, filename: file.filename, created_at: createdAt, applied_at: null, rows: evaluated });
  });
  return view;
}

export async function getAccountImport(deps: ImportDeps, principal: UserPrincipal, organisationId: string, importId: string): Promise<AccountImportView> {
  const row = await inScope(deps.db, scopeOf(principal), (tx) =>
    tx.selectFrom('account_imports').select(['id', 'organisation_id', 'filename', 'created_at', 'applied_at', 'rows']).where('id', '=', importId).where('organisation_id', '=', organisationId).executeTakeFirst(),
  );
  if (!row) throw notFound('not_found.import');
  return toView(row);
}

/** Creates the accounts of the rows marked "create" (checked again now), sends each invitation.
 * Applying twice changes nothing the second time. */
export async function applyAccountImport(deps: ImportDeps, principal: UserPrincipal, organisationId: string, importId: string, ip: string | null): Promise<AccountImportView> {
  const current = await getAccountImport(deps, principal, organisationId, importId);
  if (current.status === 'applied') return current;
  let rows = current.rows;
  for (let start = 0; start < rows.length; start += APPLY_CHUNK) {
    rows = await inScope(deps.db, scopeOf(principal), async (tx) => {
      await clientOrganisation(tx, organisationId);
      const chunk = await evaluate(tx, organisationId, rows.slice(start, start + APPLY_CHUNK));
      for (const [i, row] of chunk.entries()) {
        if (row.outcome !== 'create' || row.role === null) continue;
        const { id } = await insertUser(tx, deps, { organisationId, email: row.email, name: row.name, role: row.role });
        await sendInvitation(tx, deps, { id, organisation_id: organisationId, email: row.email, name: row.name });
        chunk[i] = { ...row, outcome: 'created' };
      }
      const next = [...rows.slice(0, start), ...chunk, ...rows.slice(start + APPLY_CHUNK)];
      const last = start + APPLY_CHUNK >= rows.length;
      await tx
        .updateTable('account_imports')
        .set({ rows: JSON.stringify(next), ...(last ? { applied_at: deps.clock.now() } : {}) })
        .where('id', '=', importId)
        .where('applied_at', 'is', null)
        .execute();
      if (last) {
        const s = summarise(next);
        await recordAudit(tx, deps, { organisationId, actorUserId: principal.userId, action: 'account_import.applied', subjectId: importId, detail: s, ip });
      }
      return next;
    });
  }
  if (rows.length === 0) {
    await inScope(deps.db, scopeOf(principal), (tx) => tx.updateTable('account_imports').set({ applied_at: deps.clock.now() }).where('id', '=', importId).where('applied_at', 'is', null).execute());
  }
  return getAccountImport(deps, principal, organisationId, importId);
}
