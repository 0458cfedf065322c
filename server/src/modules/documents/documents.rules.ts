import { DEFAULT_LAYOUT, type ZoneMm } from '#domain/documents/geometry.js';

/** The documents capability's settings, as data (spec §9 defaults). */
export interface DocumentRules {
  maxUploadBytes: number;
  window: ZoneMm;
  insertionMark: ZoneMm;
  /** LibreOffice is given this long per document. */
  conversionTimeoutMs: number;
}

export const DEFAULT_DOCUMENT_RULES: DocumentRules = {
  maxUploadBytes: 50 * 1024 * 1024,
  window: DEFAULT_LAYOUT.window,
  insertionMark: DEFAULT_LAYOUT.insertionMark,
  conversionTimeoutMs: 120_000,
};
