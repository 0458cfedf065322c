/** The production floor's public face. */
export { buildBatches, makePrintFile, printFileJob, runBatching } from './batches.js';
export type { ProductionDeps } from './deps.js';
export { batchDepositSlipExtracts, depositSlipJob, prepareDepositSlip } from './deposit-slip.js';
export { floorSettings } from './floor-settings.js';
export { parseMark } from './print-file.js';
export { markedMailpiece } from './scanning.js';
export { seedDemoRange } from './registered-ranges.js';
export { intakeJob, runIntake } from './intake.js';
export { productionRoutes } from './production.routes.js';
export { simulateFloor } from './simulator.js';
