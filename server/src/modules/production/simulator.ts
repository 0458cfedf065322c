import { AppError } from '../../errors.js';
import type { UserPrincipal } from '../../platform/http/principal.js';
import { buildBatches, listBatches } from './batches.js';
import type { ProductionDeps } from './deps.js';
import { acceptOrder, listIntake } from './intake.js';
import { scan } from './scanning.js';
import type { FloorStep } from '#domain/production/index.js';

/**
 * The floor simulator (PLI_FLOOR_SIMULATOR=1), for demos and tests: a simulated operator who,
 * at each tick, accepts the orders waiting, closes the open batches, and scans every batch one
 * step further — through the very use cases an operator's clicks and scans call, never a
 * shortcut, so the client's page, the events and the webhooks show what a real floor would.
 */
const NEXT: Partial<Record<string, FloorStep>> = { ready_to_print: 'printed', printed: 'inserted', inserted: 'franked', franked: 'deposited' };

export async function simulateFloor(deps: ProductionDeps, operator: () => Promise<UserPrincipal>, log: (msg: string) => void = () => {}): Promise<void> {
  const principal = await operator();
  const refusalsAreExpected = (err: unknown) => {
    // Another operator (or the automatic intake) may have been first: that is the floor's life.
    if (!(err instanceof AppError && err.code === 'conflict')) throw err;
  };
  for (const order of await listIntake(deps, principal)) {
    await acceptOrder(deps, principal, order.id).then(() => log(`accepted ${order.id}`), refusalsAreExpected);
  }
  const outcome = await buildBatches(deps, principal, { close: true }).catch((err: unknown) => {
    refusalsAreExpected(err);
    return null;
  });
  if (outcome?.batchIds.length) log(`closed ${outcome.batchIds.length} batch(es)`);
  for (const h of outcome?.held ?? []) log(h.reason);
  for (const batch of await listBatches(deps, principal, {})) {
    const step = NEXT[batch.status];
    // A franked batch waits for its deposit slip, as the operator would.
    if (!step || (step === 'deposited' && !batch.deposit_slip)) continue;
    await scan(deps, principal, { code: batch.id, step }).then((r) => log(`${r.label}: ${step} (${r.moved})`), refusalsAreExpected);
  }
}
