/** The archive module's public face. */
export { archiveRoutes, presentArchiveItem } from './archive.routes.js';
export {
  auditArchiveObjects,
  indexArchiveText,
  indexArchiveTextJob,
  proposeDueDestructions,
  reassertRetentions,
  type ArchiveDeps,
} from './archive.js';
export { proofBundle } from './proof-bundle.js';
