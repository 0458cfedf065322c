import type { Clock } from '../clock/clock.js';
import type { Tx } from '../db/scope.js';
import type { IdGenerator } from '../ids/ids.js';

/**
 * The audit trail: who did what, when, from where. Appended in the transaction of the change it
 * records; the application role can insert and read these rows, never update or delete them.
 */
export interface AuditEntry {
  organisationId: string | null;
  actorUserId: string | null;
  action: string;
  subjectId?: string | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
}

export async function recordAudit(tx: Tx, deps: { clock: Clock; ids: IdGenerator }, entry: AuditEntry): Promise<void> {
  await tx
    .insertInto('audit_events')
    .values({
      id: deps.ids.next('evt'),
      organisation_id: entry.organisationId,
      actor_user_id: entry.actorUserId,
      action: entry.action,
      subject_id: entry.subjectId ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
      ip: entry.ip ?? null,
      at: deps.clock.now(),
    })
    .execute();
}
