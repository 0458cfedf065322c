/**
 * The storage sweeper asks, a few hundred keys at a time, which stored objects rows still
 * reference (platform/storage/object-sweeper.ts): the key columns are indexed so that each
 * question is answered by lookups, not by reading every document.
 */
export const statements: string[] = [
  `CREATE INDEX documents_sha256 ON documents (sha256) WHERE sha256 IS NOT NULL`,
  `CREATE INDEX documents_source_sha256 ON documents (source_sha256) WHERE source_sha256 IS NOT NULL`,
  `CREATE INDEX orders_purchase_order_sha256 ON orders (purchase_order_sha256) WHERE purchase_order_sha256 IS NOT NULL`,
  `CREATE INDEX account_imports_file_sha256 ON account_imports (file_sha256)`,
];
