import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock/clock.js';
import type { DB } from '../../platform/db/schema.js';
import type { UserPrincipal } from '../../platform/http/principal.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import type { ObjectStorage } from '../../platform/storage/storage.port.js';
import type { OrderDeps } from '../orders/index.js';

export interface ReturnsDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  storage: ObjectStorage;
  queue: JobQueue;
  /** The largest scan the desk takes (a few pages at 300 dpi are a few megabytes). */
  maxScanBytes: number;
  /** The scanner's folder (PLI_RETURNS_INBOX_DIR). */
  inboxDir: string;
  /** Paper orders, for a returned letter sent again (a new order, linked). */
  orders: OrderDeps;
  /** One letter of a run, cut out of its document, becomes a document of its own (the documents module's upload, inspection included). */
  newDocument: (principal: UserPrincipal, file: { filename: string; stream: Readable }) => Promise<{ id: string; status: string }>;
}
