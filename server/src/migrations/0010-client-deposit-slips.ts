/**
 * A client reads the deposit slip extract of its letters (spec §8) in its own transaction, so
 * that row-level security, not the extract's query, keeps the other organisations' letters of a
 * shared batch out: it sees the places of its own letters in batches, and the batches holding
 * one of them once deposited (a batch's number, attributes and totals are the floor's, not
 * another organisation's). Everything else about batches stays the provider's.
 */
export const statements: string[] = [
  `CREATE POLICY batch_mailpieces_own_read ON batch_mailpieces FOR SELECT
     USING (EXISTS (SELECT 1 FROM mailpieces m WHERE m.id = batch_mailpieces.mailpiece_id AND m.organisation_id = pli_tenant()))`,
  `CREATE POLICY batches_deposited_read ON batches FOR SELECT
     USING (status = 'deposited' AND EXISTS (
       SELECT 1 FROM batch_mailpieces bm JOIN mailpieces m ON m.id = bm.mailpiece_id
       WHERE bm.batch_id = batches.id AND m.organisation_id = pli_tenant()))`,
];
