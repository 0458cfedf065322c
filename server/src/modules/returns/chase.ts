import { sql } from 'kysely';
import { chaseDue, type MailpieceStatus } from '#domain/production/index.js';
import { inScope, systemScope } from '../../platform/db/scope.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { floorSettings } from '../production/index.js';
import type { ReturnsDeps } from './deps.js';
import { deskMailpieces, type DeskMailpiece } from './desk.js';

/**
 * The watchdog (M-6.a): registered letters La Poste has not said were delivered N days after
 * their deposit, and cards not back M days after it, are flagged once each for the provider to
 * chase; a flag is resolved when the news comes (tracking, returns desk).
 */
export async function runWatchdog(deps: Pick<ReturnsDeps, 'db' | 'clock' | 'ids'>): Promise<number> {
  const now = deps.clock.now();
  return inScope(deps.db, systemScope, async (tx) => {
    const settings = (await floorSettings(tx)).chase;
    const horizon = new Date(now.getTime() - Math.min(settings.deliveryDays, settings.arDays) * 86_400_000);
    const candidates = await tx
      .selectFrom('postal_tracking as p')
      .innerJoin('mailpieces as m', 'm.id', 'p.mailpiece_id')
      .innerJoin('orders as o', 'o.id', 'm.order_id')
      .select(['p.mailpiece_id', 'p.organisation_id', 'p.deposited_at', 'p.delivered_at', 'm.status', sql<boolean>`coalesce((o.options->>'acknowledgement')::boolean, false)`.as('acknowledgement')])
      .where('m.status', 'in', ['deposited', 'delivered'])
      .where('p.deposited_at', '<=', horizon)
      .execute();
    const flags = candidates.flatMap((c) =>
      chaseDue({ status: c.status as MailpieceStatus, acknowledgement: c.acknowledgement, depositedAt: c.deposited_at, deliveredByTracking: c.delivered_at !== null }, settings, now).map((kind) => ({
        id: deps.ids.next('chs'),
        organisation_id: c.organisation_id,
        mailpiece_id: c.mailpiece_id,
        kind,
        flagged_at: now,
      })),
    );
    let flagged = 0;
    for (let i = 0; i < flags.length; i += 1000) {
      const r = await tx.insertInto('chase_flags').values(flags.slice(i, i + 1000)).onConflict((oc) => oc.columns(['mailpiece_id', 'kind']).doNothing()).returning('id').execute();
      flagged += r.length;
    }
    return flagged;
  });
}

export interface ChaseItem {
  kind: 'no_delivery' | 'no_ar';
  flaggedAt: Date;
  mailpiece: DeskMailpiece;
  lastEvent: { code: string; label: string; at: Date } | null;
}

/** The provider's list: open flags, oldest first, with La Poste's last word on each. */
export async function chaseList(deps: Pick<ReturnsDeps, 'db'>, principal: UserPrincipal): Promise<ChaseItem[]> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const flags = await tx.selectFrom('chase_flags').select(['mailpiece_id', 'kind', 'flagged_at']).where('resolved_at', 'is', null).orderBy('flagged_at').orderBy('id').limit(500).execute();
    if (flags.length === 0) return [];
    const ids = [...new Set(flags.map((f) => f.mailpiece_id))];
    const mailpieces = new Map((await deskMailpieces(tx, ids)).map((m) => [m.id, m]));
    const last = await tx
      .selectFrom('postal_events')
      .distinctOn('mailpiece_id')
      .select(['mailpiece_id', 'code', 'label', 'at'])
      .where('mailpiece_id', 'in', ids)
      .orderBy('mailpiece_id')
      .orderBy('at', 'desc')
      .execute();
    const lastOf = new Map(last.map((e) => [e.mailpiece_id, { code: e.code, label: e.label, at: e.at }]));
    return flags.filter((f) => mailpieces.has(f.mailpiece_id)).map((f) => ({ kind: f.kind, flaggedAt: f.flagged_at, mailpiece: mailpieces.get(f.mailpiece_id)!, lastEvent: lastOf.get(f.mailpiece_id) ?? null }));
  });
}
