import { z } from 'zod';
import { timestamp } from './common.js';

/**
 * The production rules, effective-dated (spec §9): `GET /api/v1/production/rules` (every
 * version, each marked past, in force or scheduled), `POST /api/v1/production/rules` (provider
 * administrator: a new version from a date, never in the past; versions are never edited in
 * place, so what was planned with a version stays explained by it). Weights in milligrams.
 *
 * Numbers are only typed here: their rules (whole milligrams, steps in order, a class's limit
 * among the steps…) are the domain's checkProductionRules, whose answer names every field at
 * once, in the reader's language.
 */
const envelope = z.strictObject({ weightMg: z.number(), maxSheets: z.number() });
const mailClass = z.strictObject({ maxMg: z.number(), deliveryDays: z.number() });
const fields = {
  effectiveFrom: z.iso.date(),
  sheetMg: z.number(),
  carrierSheet: z.number(),
  registeredLabelMg: z.number(),
  acknowledgementCardMg: z.number(),
  maxThicknessMm: z.number(),
  postageStepsMg: z.array(z.number()).max(20),
  classes: z.strictObject({ priority: mailClass, registered: mailClass, non_priority: mailClass }),
};

export const productionRulesBody = z
  .strictObject({
    ...fields,
    // Each optional on the wire so that a missing one is refused with its field, like the others.
    envelopes: z.strictObject({ 'C5/6': envelope.optional(), C5: envelope.optional(), C4: envelope.optional() }),
  })
  .meta({ id: 'NewProductionRules' });

/** A stored version: checked, so every envelope is there. */
const productionRules = z.object({ ...fields, envelopes: z.object({ 'C5/6': envelope, C5: envelope, C4: envelope }) }).meta({ id: 'ProductionRules' });

export const productionRulesStatus = z.enum(['past', 'in_force', 'scheduled']);

export const productionRulesRecord = z
  .object({ id: z.string(), effective_from: z.iso.date(), status: productionRulesStatus, rules: productionRules, created_at: timestamp })
  .meta({ id: 'ProductionRulesVersion' });
