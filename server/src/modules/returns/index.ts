/** After the handover (M-6.a): the returns desk, the client's returns, re-sending, the address book. */
export type { ReturnsDeps } from './deps.js';
export { archiveReturnScanJob } from './jobs.js';
export { archiveReturnScan } from './returns.js';
export { returnsRoutes } from './returns.routes.js';
export { runWatchdog } from './chase.js';
