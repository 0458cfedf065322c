import { DEFAULT_CHASE_SETTINGS, type ChaseSettings } from './after-handover.js';
/**
 * Print batches: mailpieces that the floor can run together, grouped by what changes the machine
 * set-up (M-3.3, spec §8): colour, sides, envelope, mail class, registered level and AR, and
 * whether a background is printed under the pages. Limits are data (the provider edits them).
 */
export interface ProductionAttributes {
  color: 'bw' | 'color';
  sides: 'simplex' | 'duplex';
  envelope: 'C4' | 'C5' | 'C5/6';
  mailClass: 'priority' | 'non_priority' | 'registered';
  registeredLevel: 'R1' | 'R2' | 'R3' | null;
  acknowledgement: boolean;
  background: boolean;
}

export function productionKey(a: ProductionAttributes): string {
  const registered = a.mailClass === 'registered' ? `${a.registeredLevel ?? 'R1'}${a.acknowledgement ? '+AR' : ''}` : '-';
  return [a.color, a.sides, a.envelope, a.mailClass, registered, a.background ? 'background' : 'plain'].join('|');
}

export interface BatchLimits {
  /** A batch closes at this many mailpieces… */
  maxMailpieces: number;
  /** …or sheets, whichever comes first. */
  maxSheets: number;
}

export interface FloorSettings {
  /** Submitted orders that pass the automatic checks are accepted without an operator (M-1.2). */
  autoAccept: boolean;
  batch: BatchLimits;
  /** Europe/Paris times at which open batches close, e.g. ["11:00", "15:30"]. */
  cutoffs: string[];
  /** Sheets per part of a large batch's print file (print shops prefer parts). */
  printFilePartSheets: number;
  /** When the watchdog flags a registered letter for the provider to chase La Poste (M-6.a). */
  chase: ChaseSettings;
}

export const DEFAULT_FLOOR_SETTINGS: FloorSettings = {
  autoAccept: false,
  batch: { maxMailpieces: 2000, maxSheets: 10_000 },
  cutoffs: ['11:00', '15:30'],
  printFilePartSheets: 2000,
  chase: DEFAULT_CHASE_SETTINGS,
};

export interface Unbatched {
  id: string;
  key: string;
  sheets: number;
}

export interface OpenBatch {
  id: string;
  key: string;
  mailpieces: number;
  sheets: number;
}

export interface BatchAssignment {
  /** An open batch's id, or `new:<n>` for a batch to create. */
  batch: string;
  key: string;
  mailpieces: string[];
}

/**
 * Fills open batches of the same key, in the order given (an order's letters stay together and in
 * number order: the inserter's order), then opens new ones; never past a limit, except that a
 * single mailpiece larger than the sheet limit gets a batch of its own.
 */
export function assignToBatches(unbatched: readonly Unbatched[], open: readonly OpenBatch[], limits: BatchLimits): BatchAssignment[] {
  const current = new Map<string, { ref: string; mailpieces: number; sheets: number; out: BatchAssignment }>();
  const result: BatchAssignment[] = [];
  for (const b of open) {
    if (!current.has(b.key)) current.set(b.key, { ref: b.id, mailpieces: b.mailpieces, sheets: b.sheets, out: { batch: b.id, key: b.key, mailpieces: [] } });
  }
  let created = 0;
  for (const mp of unbatched) {
    let slot = current.get(mp.key);
    const fits = slot && slot.mailpieces + 1 <= limits.maxMailpieces && (slot.sheets + mp.sheets <= limits.maxSheets || slot.mailpieces === 0);
    if (!slot || !fits) {
      const ref = `new:${++created}`;
      slot = { ref, mailpieces: 0, sheets: 0, out: { batch: ref, key: mp.key, mailpieces: [] } };
      current.set(mp.key, slot);
    }
    if (slot.out.mailpieces.length === 0) result.push(slot.out);
    slot.out.mailpieces.push(mp.id);
    slot.mailpieces += 1;
    slot.sheets += mp.sheets;
  }
  return result;
}
