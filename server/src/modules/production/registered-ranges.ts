import { allocate, registeredNumber } from '#domain/production/index.js';
import { AppError, message, notFound } from '../../errors.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { inScope, systemScope, type Tx } from '../../platform/db/scope.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import type { ProductionDeps } from './deps.js';

/**
 * Registered-number ranges (spec §9): the provider records the ranges La Poste allots; numbers
 * are given out in order when a batch closes, in the batch's transaction, so a number is never
 * given twice nor lost. A range that runs out hands over to the next one ready; withdrawing a
 * range records the serials it leaves unused.
 */
export interface RangeView {
  id: string;
  prefix: string;
  first: string;
  last: string;
  next: string | null;
  left: number;
  status: 'ready' | 'active' | 'used_up' | 'withdrawn';
  createdAt: Date;
}

function view(r: { id: string; prefix: string; first_serial: string; last_serial: string; next_serial: string; status: RangeView['status']; created_at: Date }): RangeView {
  const last = Number(r.last_serial);
  const next = Number(r.next_serial);
  return {
    id: r.id,
    prefix: r.prefix,
    first: registeredNumber(r.prefix, Number(r.first_serial)),
    last: registeredNumber(r.prefix, last),
    next: next <= last ? registeredNumber(r.prefix, next) : null,
    left: last - next + 1,
    status: r.status,
    createdAt: r.created_at,
  };
}

export async function listRanges(deps: ProductionDeps, principal: UserPrincipal): Promise<RangeView[]> {
  return inScope(deps.db, scopeOf(principal), async (tx) => (await tx.selectFrom('registered_ranges').selectAll().orderBy('created_at').execute()).map(view));
}

export async function addRange(deps: ProductionDeps, principal: UserPrincipal, input: { prefix: string; first: number; last: number }): Promise<RangeView> {
  if (input.last < input.first) throw new AppError('validation_failed', 'range.last_before_first', { errors: [{ field: 'last', message: 'field.last_before_first' }] });
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const overlapping = await tx
      .selectFrom('registered_ranges')
      .select(['first_serial', 'last_serial'])
      .where('prefix', '=', input.prefix)
      .where('first_serial', '<=', input.last as never)
      .where('last_serial', '>=', input.first as never)
      .executeTakeFirst();
    if (overlapping) {
      throw new AppError(
        'conflict',
        message('range.overlap', { first: registeredNumber(input.prefix, Number(overlapping.first_serial)), last: registeredNumber(input.prefix, Number(overlapping.last_serial)) }),
      );
    }
    const active = await tx.selectFrom('registered_ranges').select('id').where('status', '=', 'active').executeTakeFirst();
    const id = deps.ids.next('rng');
    await tx
      .insertInto('registered_ranges')
      .values({ id, prefix: input.prefix, first_serial: input.first, last_serial: input.last, next_serial: input.first, status: active ? 'ready' : 'active', created_by: principal.userId, created_at: deps.clock.now() })
      .execute();
    await recordAudit(tx, deps, { organisationId: principal.organisationId, actorUserId: principal.userId, action: 'registered_range.added', subjectId: id, detail: { ...input } });
    return view(await tx.selectFrom('registered_ranges').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  });
}

/**
 * The demo's floor can number registered letters from its first start: a range of its own
 * (prefix DM, never La Poste's), as a provider would record the one La Poste allotted it.
 */
export async function seedDemoRange(deps: Pick<ProductionDeps, 'db' | 'clock' | 'ids'>): Promise<void> {
  await inScope(deps.db, systemScope, async (tx) => {
    if (await tx.selectFrom('registered_ranges').select('id').executeTakeFirst()) return;
    await tx
      .insertInto('registered_ranges')
      .values({ id: deps.ids.next('rng'), prefix: 'DM', first_serial: 1, last_serial: 99_999, next_serial: 1, status: 'active', created_by: null, created_at: deps.clock.now() })
      .execute();
  });
}

export async function withdrawRange(deps: ProductionDeps, principal: UserPrincipal, id: string): Promise<RangeView> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const r = await tx.selectFrom('registered_ranges').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!r) throw notFound('not_found.range');
    if (r.status !== 'active' && r.status !== 'ready') throw new AppError('conflict', message('range.already', { status: message(`range_status.${r.status}`) }));
    await tx.updateTable('registered_ranges').set({ status: 'withdrawn' }).where('id', '=', id).execute();
    const unused = Number(r.last_serial) - Number(r.next_serial) + 1;
    // Not silent: the serials left unused are written down.
    await recordAudit(tx, deps, {
      organisationId: principal.organisationId,
      actorUserId: principal.userId,
      action: 'registered_range.withdrawn',
      subjectId: id,
      detail: unused > 0 ? { unused_from: registeredNumber(r.prefix, Number(r.next_serial)), unused_to: registeredNumber(r.prefix, Number(r.last_serial)), unused } : { unused: 0 },
    });
    if (r.status === 'active') await activateNext(tx);
    return view({ ...r, status: 'withdrawn' });
  });
}

async function activateNext(tx: Tx): Promise<boolean> {
  const next = await tx.selectFrom('registered_ranges').select('id').where('status', '=', 'ready').orderBy('created_at').orderBy('id').executeTakeFirst();
  if (!next) return false;
  await tx.updateTable('registered_ranges').set({ status: 'active' }).where('id', '=', next.id).execute();
  return true;
}

/** The next `count` numbers, in the caller's transaction; refuses (and so rolls back) when the ranges run out. */
export async function allocateNumbers(tx: Tx, count: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < count) {
    const r = await tx.selectFrom('registered_ranges').selectAll().where('status', '=', 'active').forUpdate().executeTakeFirst();
    if (!r) {
      throw new AppError('conflict', message('range.none_left', { count: count - out.length }));
    }
    const range = { prefix: r.prefix, firstSerial: Number(r.first_serial), lastSerial: Number(r.last_serial), nextSerial: Number(r.next_serial) };
    const wanted = Math.min(count - out.length, range.lastSerial - range.nextSerial + 1);
    const got = allocate(range, wanted);
    if ('short' in got) throw new Error('allocation beyond the range'); // wanted never exceeds what is left
    out.push(...got.numbers);
    const usedUp = got.nextSerial > range.lastSerial;
    await tx.updateTable('registered_ranges').set({ next_serial: got.nextSerial, ...(usedUp ? { status: 'used_up' as const } : {}) }).where('id', '=', r.id).execute();
    if (usedUp) await activateNext(tx);
  }
  return out;
}

/** How many numbers the ranges still hold (the active one and those ready after it). */
export async function numbersLeft(tx: Tx): Promise<number> {
  const rows = await tx.selectFrom('registered_ranges').select(['last_serial', 'next_serial']).where('status', 'in', ['active', 'ready']).execute();
  return rows.reduce((sum, r) => sum + Number(r.last_serial) - Number(r.next_serial) + 1, 0);
}
