/** The documents module's public face. */
export { documentRoutes, presentDocument } from './documents.routes.js';
export { convertDocument, convertDocumentJob, getDocument, uploadDocument, type DocumentDeps, type DocumentRow } from './documents.js';
export { DEFAULT_DOCUMENT_RULES, type DocumentRules } from './documents.rules.js';
export { checkFrenchAddress } from './address-check.js';
