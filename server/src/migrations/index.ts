import * as m0001 from './0001-platform.js';
import * as m0002 from './0002-identity.js';
import * as m0003 from './0003-documents.js';
import * as m0004 from './0004-orders.js';
import * as m0005 from './0005-totp-replay.js';
import * as m0006 from './0006-production.js';
import * as m0007 from './0007-webhooks.js';
import * as m0008 from './0008-idempotency-claims.js';
import * as m0009 from './0009-object-references.js';
import * as m0010 from './0010-client-deposit-slips.js';
import * as m0011 from './0011-floor-cutoffs-read.js';
import * as m0012 from './0012-api-key-lookup.js';
import * as m0013 from './0013-production-rules.js';
import * as m0014 from './0014-jobs.js';
import * as m0015 from './0015-api-key-lookup-batched.js';
import * as m0016 from './0016-trust-journal.js';
import * as m0017 from './0017-trust-checkpoints.js';
import * as m0018 from './0018-archive.js';
import * as m0019 from './0019-eletters.js';
import * as m0020 from './0020-after-handover.js';
import * as m0021 from './0021-tracking-list.js';

/** Forward-only, in order. A migration is never edited once it has shipped: add the next one. */
export const migrations: ReadonlyArray<{ id: string; statements: string[] }> = [
  { id: '0001-platform', statements: m0001.statements },
  { id: '0002-identity', statements: m0002.statements },
  { id: '0003-documents', statements: m0003.statements },
  { id: '0004-orders', statements: m0004.statements },
  { id: '0005-totp-replay', statements: m0005.statements },
  { id: '0006-production', statements: m0006.statements },
  { id: '0007-webhooks', statements: m0007.statements },
  { id: '0008-idempotency-claims', statements: m0008.statements },
  { id: '0009-object-references', statements: m0009.statements },
  { id: '0010-client-deposit-slips', statements: m0010.statements },
  { id: '0011-floor-cutoffs-read', statements: m0011.statements },
  { id: '0012-api-key-lookup', statements: m0012.statements },
  { id: '0013-production-rules', statements: m0013.statements },
  { id: '0014-jobs', statements: m0014.statements },
  { id: '0015-api-key-lookup-batched', statements: m0015.statements },
  { id: '0016-trust-journal', statements: m0016.statements },
  { id: '0017-trust-checkpoints', statements: m0017.statements },
  { id: '0018-archive', statements: m0018.statements },
  { id: '0019-eletters', statements: m0019.statements },
  { id: '0020-after-handover', statements: m0020.statements },
  { id: '0021-tracking-list', statements: m0021.statements },
];
