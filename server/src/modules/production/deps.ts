import type { Kysely } from 'kysely';
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
}
