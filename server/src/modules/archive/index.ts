/** The archive module's public face. */
export { archiveRoutes, presentArchiveItem } from './archive.routes.js';
export {
  archiveDepositSlips,
  archiveDepositSlipsJob,
  archiveOrderFiles,
  archiveOrderFilesJob,
  archiveReturnedScan,
  storeUpload,
  type StoredUpload,
  type ReturnedScan,
  auditArchiveObjects,
  indexArchiveText,
  indexArchiveTextJob,
  proposeDueDestructions,
  reassertRetentions,
  type ArchiveDeps,
} from './archive.js';
export { proofBundle } from './proof-bundle.js';
