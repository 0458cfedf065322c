import { DEFAULT_FLOOR_SETTINGS, type FloorSettings } from '#domain/production/index.js';
import type { FloorSettingsDto } from '#contracts/production.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { inScope, type Tx } from '../../platform/db/scope.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import type { ProductionDeps } from './deps.js';

/** The floor's settings: one row the provider administrator edits; the defaults until then. */
export async function floorSettings(tx: Tx): Promise<FloorSettings> {
  const row = await tx.selectFrom('floor_settings').select('settings').executeTakeFirst();
  return { ...DEFAULT_FLOOR_SETTINGS, ...((row?.settings as Partial<FloorSettings> | undefined) ?? {}) };
}

export const toDto = (s: FloorSettings): FloorSettingsDto => ({
  auto_accept: s.autoAccept,
  batch: { max_mailpieces: s.batch.maxMailpieces, max_sheets: s.batch.maxSheets },
  cutoffs: s.cutoffs,
  print_file_part_sheets: s.printFilePartSheets,
  chase: { delivery_days: s.chase.deliveryDays, ar_days: s.chase.arDays },
});

export async function getFloorSettings(deps: ProductionDeps, principal: UserPrincipal): Promise<FloorSettings> {
  return inScope(deps.db, scopeOf(principal), floorSettings);
}

export async function updateFloorSettings(deps: ProductionDeps, principal: UserPrincipal, dto: FloorSettingsDto): Promise<FloorSettings> {
  const settings: FloorSettings = {
    autoAccept: dto.auto_accept,
    batch: { maxMailpieces: dto.batch.max_mailpieces, maxSheets: dto.batch.max_sheets },
    cutoffs: [...new Set(dto.cutoffs)].sort(),
    printFilePartSheets: dto.print_file_part_sheets,
    chase: { deliveryDays: dto.chase?.delivery_days ?? DEFAULT_FLOOR_SETTINGS.chase.deliveryDays, arDays: dto.chase?.ar_days ?? DEFAULT_FLOOR_SETTINGS.chase.arDays },
  };
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const now = deps.clock.now();
    await tx
      .insertInto('floor_settings')
      .values({ settings: JSON.stringify(settings), updated_by: principal.userId, updated_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ settings: JSON.stringify(settings), updated_by: principal.userId, updated_at: now }))
      .execute();
    await recordAudit(tx, deps, { organisationId: principal.organisationId, actorUserId: principal.userId, action: 'floor.settings_changed', subjectId: null, detail: { ...settings } });
    return settings;
  });
}
