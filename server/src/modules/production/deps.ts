import type { Kysely } from 'kysely';
import type { Tx } from '../../platform/db/scope.js';
import type { Clock } from '../../platform/clock/clock.js';
import type { DB } from '../../platform/db/schema.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import type { ObjectStorage } from '../../platform/storage/storage.port.js';
import type { ZoneMm } from '../../platform/pdf/pdfjs.js';

export interface ProductionDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  storage: ObjectStorage;
  queue: JobQueue;
  /** Where the floor prints its mark and where the envelope window is (the documents' rules). */
  zones: { markZone: ZoneMm; window: ZoneMm };
  /**
   * What happens elsewhere in the transaction of a floor decision (the archive keeps the files
   * of an accepted order and the deposit slips of a deposited batch): the wiring says.
   */
  afterAccept?: (tx: Tx, order: { id: string; organisation_id: string }) => Promise<void>;
  afterDeposit?: (tx: Tx, batchId: string) => Promise<void>;
}
