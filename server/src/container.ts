import { hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { acquireDataDirLock, type DataDirLock } from './platform/db/data-dir-lock.js';
import { migrate } from './platform/db/migrate.js';
import { systemClock, type Clock } from './platform/clock/clock.js';
import { createIdGenerator, type IdGenerator } from './platform/ids/ids.js';
import { createJobQueue, type JobQueue } from './platform/jobs/job-queue.js';
import { createMailService, sendMailJob, type MailService } from './platform/mail/outbox.js';
import { createMailboxMailer } from './platform/mail/mailbox.mailer.js';
import { createSmtpMailer } from './platform/mail/smtp.mailer.js';
import { createTextboxSender } from './platform/mail/textbox.sender.js';
import type { Mailer } from './platform/mail/mail.port.js';
import { createLocalDiskStorage } from './platform/storage/local-disk.storage.js';
import { createS3Storage } from './platform/storage/s3.storage.js';
import { sweepObjects } from './platform/storage/object-sweeper.js';
import type { ObjectStorage } from './platform/storage/storage.port.js';
import { createSecretBox, loadSecretBoxKey, type SecretBox } from './platform/crypto/secret-box.js';
import { checkFrenchAddress, convertDocument, convertDocumentJob, DEFAULT_DOCUMENT_RULES, uploadDocument, type DocumentDeps } from './modules/documents/index.js';
import { batchDepositSlipExtracts, depositSlipJob, floorSettings, intakeJob, makePrintFile, prepareDepositSlip, printFileJob, runBatching, runIntake, simulateFloor, type ProductionDeps } from './modules/production/index.js';
import { deliverDue, dispatchEvents, type WebhookDeps } from './modules/tracking/index.js';
import type { OrderDeps } from './modules/orders/index.js';
import {
  NOTIFICATION_TEMPLATE,
  cancelElectronicOrder,
  createElectronicOrder,
  getElectronicOrder,
  identityCallback,
  notificationDelivered,
  presentElectronicOrder,
  runDeadlines,
  sendElectronicOrder,
  sendEletterJob,
  submitElectronicOrder,
  updateElectronicOrder,
  type ElectronicOrderView,
  type EletterDeps,
} from './modules/eletters/index.js';
import type { IdentityProvider } from './platform/identity/identity.port.js';
import { createOidcIdentityProvider } from './platform/identity/oidc.identity.js';
import { createDemoIdentityProvider, type DemoIdentityProvider } from './platform/identity/demo-idp.js';
import { archiveDepositSlips, archiveDepositSlipsJob, archiveOrderFiles, archiveOrderFilesJob, auditArchiveObjects, indexArchiveText, indexArchiveTextJob, proposeDueDestructions, reassertRetentions, type ArchiveDeps } from './modules/archive/index.js';
import { archiveReturnScan, archiveReturnScanJob, runWatchdog, type ReturnsDeps } from './modules/returns/index.js';
import { depositedAtOf, pollPostalTracking, type PostalTrackingDeps } from './modules/postal-tracking/index.js';
import { createLaPosteSuiviTracker } from './platform/postal/laposte-suivi.tracker.js';
import { createSimulatedTracker } from './platform/postal/simulated.tracker.js';
import { principalOfUser } from './modules/accounts/index.js';
import { inScope, systemScope } from './platform/db/scope.js';
import { writeCheckpoint, type CheckpointDeps } from './platform/trust/checkpoints.js';
import { auditAndJournal, integrityAlertEmail, type AuditAlert } from './platform/trust/journal-audit.js';
import { builtInTimeStamper, createTimeStampAuthority, remoteTimeStamper, type TimeStamper } from './platform/trust/time-stamping.js';
import { loadOrCreateTrustKeys, type TrustKeys } from './platform/trust/trust-keys.js';
import { recordKeysInUse } from './platform/trust/key-history.js';

/** Everything a use case may need, wired once. Plain functions, no framework. */

/** A returned letter's or a card's scan: a few pages at 300 dpi weigh a few megabytes. */
const RETURN_SCAN_MAX_BYTES = 25 * 1024 * 1024;
export interface Container {
  readonly config: Config;
  readonly database: Database;
  readonly db: Database['db'];
  readonly queue: JobQueue;
  readonly storage: ObjectStorage;
  readonly mail: MailService;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly secretBox: SecretBox;
  readonly documents: DocumentDeps;
  readonly orders: OrderDeps;
  readonly production: ProductionDeps;
  readonly webhooks: WebhookDeps;
  readonly archive: ArchiveDeps;
  readonly eletters: EletterDeps;
  readonly returns: ReturnsDeps;
  /** The built-in identity provider, served at /demo-idp, when no real one is configured. */
  readonly demoIdentityProvider: DemoIdentityProvider | null;
  /** Seal and time-stamping keys, the time-stamper, the journal's checkpoints (ADR 0016). */
  readonly trust: { readonly keys: TrustKeys; readonly timeStamper: TimeStamper; readonly checkpoints: CheckpointDeps };
  /** Where people reach Pli: links in e-mails. */
  readonly publicUrl: string;
  readonly logger: Logger;
  close(): Promise<void>;
}

export interface ContainerOverrides {
  clock?: Clock;
  ids?: IdGenerator;
  /** Tests hand in an already-open database (a copied template) instead of opening one. */
  database?: Database;
  jobPollingIntervalSeconds?: number;
  /** Tests bring an identity provider of their own (the demo one listening on a port of theirs). */
  identity?: IdentityProvider | null;
}

export async function createContainer(config: Config, logger: Logger, overrides: ContainerOverrides = {}): Promise<Container> {
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  let lock: DataDirLock | undefined;
  let database = overrides.database;
  if (!database) {
    // The embedded database admits one process: refuse a second one with a clear sentence.
    if (!config.databaseUrl) lock = acquireDataDirLock(config.dataDir);
    try {
      database = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'db') });
    } catch (err) {
      lock?.release();
      throw err;
    }
  }
  await migrate(database.db);
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? createIdGenerator(() => clock.now().getTime());
  const queue = createJobQueue(database, {
    pollingIntervalSeconds: overrides.jobPollingIntervalSeconds ?? 0.5,
    onError: (err) => logger.error({ err }, 'job queue error'),
  });
  const storage: ObjectStorage = config.s3
    ? createS3Storage({
        bucket: config.s3.bucket,
        region: config.s3.region,
        forcePathStyle: config.s3.forcePathStyle,
        ...(config.s3.endpoint ? { endpoint: config.s3.endpoint } : {}),
        ...(config.s3.accessKeyId ? { accessKeyId: config.s3.accessKeyId, secretAccessKey: config.s3.secretAccessKey! } : {}),
      })
    : createLocalDiskStorage(path.join(config.dataDir, 'objects'), clock);
  const mailer: Mailer = config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom) : createMailboxMailer(path.join(config.dataDir, 'mailbox'), config.mailFrom);
  const mail = createMailService({ db: database.db, queue, ids, clock, mailer, transport: config.smtpUrl ? 'smtp' : 'outbox', texts: createTextboxSender(path.join(config.dataDir, 'texts')) });
  queue.work(sendMailJob, async ({ message_id }) => {
    await mail.deliver(message_id);
  });
  // Where the workers run: stored objects no row references are deleted, hourly (ADR 0007).
  const trustKeys = await loadOrCreateTrustKeys(config.keysDir, clock);
  if (trustKeys.created) logger.info({ dir: config.keysDir }, 'trust keys created (seal, time-stamping, their root)');
  // The certificates in use are journaled when new: old checkpoints keep being checked against theirs.
  if ((await recordKeysInUse({ db: database.db, clock }, trustKeys)) === 'rotated') logger.warn({ dir: config.keysDir }, 'trust keys rotated: the new certificates are journaled');
  const timeStamper = config.tsaUrl ? remoteTimeStamper(config.tsaUrl) : builtInTimeStamper(createTimeStampAuthority(trustKeys.timeStamping, clock));
  const checkpoints: CheckpointDeps = { db: database.db, clock, seal: trustKeys.seal, timeStamper, storage };
  // The provider's administrators hear of any integrity finding by e-mail, as well as in the logs.
  const integrityAlert: AuditAlert = async (tx, findings) => {
    const admins = await tx.selectFrom('users').select(['email', 'name']).where('role', '=', 'provider_admin').where('status', '=', 'active').execute();
    for (const admin of admins) await mail.queue(tx, { organisationId: null, ...integrityAlertEmail(admin, findings) });
  };
  const archive: ArchiveDeps = {
    db: database.db,
    clock,
    ids,
    storage,
    queue,
    timeStamper,
    keys: trustKeys,
    checkpoints,
    publicUrl: config.publicUrl,
    maxBytes: config.archiveMaxBytes,
    newDocument: (principal, file) => uploadDocument(documents, principal, file),
  };
  queue.work(indexArchiveTextJob, ({ item_id }) => indexArchiveText(archive, item_id));
  if (config.checkpointMinutes > 0) {
    queue.every('trust.checkpoint', config.checkpointMinutes * 60_000, async () => void (await writeCheckpoint(checkpoints)));
    // The daily integrity audit: journaled, and loud in the provider's logs when anything is found.
    queue.every('trust.audit', 24 * 3600_000, async () => {
      await reassertRetentions(archive);
      await auditAndJournal(checkpoints, trustKeys, logger, () => auditArchiveObjects(archive), integrityAlert);
    });
  }
  // Archived documents whose retention has ended are proposed for destruction, daily.
  queue.every('archive.propose_destructions', 24 * 3600_000, async () => void (await proposeDueDestructions(archive)));
  queue.every('storage.sweep', 60 * 60 * 1000, async () => void (await sweepObjects({ db: database.db, storage, clock })));
  const documents: DocumentDeps = {
    db: database.db,
    clock,
    ids,
    storage,
    queue,
    rules: { ...DEFAULT_DOCUMENT_RULES, maxUploadBytes: config.maxUploadBytes },
    checkAddress: checkFrenchAddress,
  };
  queue.work(convertDocumentJob, ({ document_id }) => convertDocument(documents, document_id));
  const production: ProductionDeps = {
    db: database.db,
    clock,
    ids,
    storage,
    queue,
    zones: { markZone: documents.rules.insertionMark, window: documents.rules.window },
    // The archive keeps an accepted order's files and a deposited batch's slips (M-6.b), in jobs
    // enqueued by the decision's own transaction.
    afterAccept: async (tx, order) => void (await queue.enqueue(tx, archiveOrderFilesJob, { order_id: order.id })),
    afterDeposit: async (tx, batchId) => void (await queue.enqueue(tx, archiveDepositSlipsJob, { batch_id: batchId })),
  };
  queue.work(archiveOrderFilesJob, async ({ order_id }) => void (await archiveOrderFiles(archive, order_id)));
  queue.work(archiveDepositSlipsJob, async ({ batch_id }) => void (await archiveDepositSlips(archive, () => batchDepositSlipExtracts(production, batch_id))));
  queue.work(intakeJob, ({ order_id }) => runIntake(production, order_id));
  queue.work(printFileJob, ({ batch_id }) => makePrintFile(production, batch_id));
  queue.work(depositSlipJob, ({ batch_id }) => prepareDepositSlip(production, batch_id));
  if (config.batchingIntervalSeconds > 0) queue.every('production.batching', config.batchingIntervalSeconds * 1000, () => runBatching(production));
  if (config.floorSimulator) {
    const operator = async () => {
      const user = await inScope(database.db, systemScope, (tx) => tx.selectFrom('users').select('id').where('role', '=', 'operator').where('status', '=', 'active').orderBy('created_at').executeTakeFirst());
      if (!user) throw new Error('The floor simulator needs an active operator account (the demo seed has one).');
      return principalOfUser(database.db, user.id);
    };
    queue.every('production.simulator', config.floorSimulator.stepSeconds * 1000, () => simulateFloor(production, operator, (msg) => logger.info({ simulator: msg }, 'floor simulator')));
  }

  const secretBox = createSecretBox(loadSecretBoxKey(config.dataDir, config.secretKey));
  const webhooks: WebhookDeps = { db: database.db, clock, ids, secretBox, allowPrivate: config.webhooksAllowPrivate, mail, publicUrl: config.publicUrl };
  // Where the workers run: events fan out to webhooks, and due deliveries are sent, every second.
  queue.every('webhooks.dispatch', 1000, async () => void (await dispatchEvents(webhooks)));
  queue.every('webhooks.deliver', 1000, async () => void (await deliverDue(webhooks)));

  const orders: OrderDeps = {
    db: database.db,
    clock,
    ids,
    storage,
    checkAddress: (lines, country) => checkFrenchAddress([...lines], country),
    // Each submitted order goes to the floor's intake, in the submission's transaction.
    afterSubmit: async (tx, order) => void (await queue.enqueue(tx, intakeJob, { order_id: order.id })),
    floorCutoffs: async (tx) => (await floorSettings(tx)).cutoffs,
  };
  const { identity, demoIdentityProvider } = await identityFor(config, overrides);
  const eletters: EletterDeps = {
    db: database.db,
    clock,
    ids,
    storage,
    queue,
    mail,
    seal: { seal: trustKeys.seal, root: trustKeys.root, timeStamper },
    publicUrl: config.publicUrl,
    orders,
    identity,
    linkKey: Buffer.from(hkdfSync('sha256', loadSecretBoxKey(config.dataDir, config.secretKey), Buffer.alloc(0), 'pli e-letter links', 32)),
  };
  orders.electronic = {
    create: (p, input, within) => createElectronicOrder(eletters, p, input, within),
    get: (p, id) => getElectronicOrder(eletters, p, id),
    update: (p, id, changes) => updateElectronicOrder(eletters, p, id, changes),
    submit: (p, id, within) => submitElectronicOrder(eletters, p, id, within),
    cancel: (p, id) => cancelElectronicOrder(eletters, p, id),
    present: (view, lang) => presentElectronicOrder(view as ElectronicOrderView, lang),
  };
  queue.work(sendEletterJob, async ({ order_id }) => void (await sendElectronicOrder(eletters, order_id)));
  mail.onDelivery(NOTIFICATION_TEMPLATE, (tx, messageId, outcome) => notificationDelivered(tx, eletters, messageId, outcome));
  queue.every('eletters.deadlines', 60_000, async () => void (await runDeadlines(eletters)));

  const returns: ReturnsDeps = {
    db: database.db,
    clock,
    ids,
    storage,
    queue,
    maxScanBytes: RETURN_SCAN_MAX_BYTES,
    inboxDir: config.returnsInboxDir,
    orders,
    newDocument: (principal, file) => uploadDocument(documents, principal, file),
  };
  queue.work(archiveReturnScanJob, async ({ return_id }) => void (await archiveReturnScan({ db: database.db, archive }, return_id)));
  // La Poste's word on registered letters, every minute within its quota; the watchdog hourly.
  const postal: PostalTrackingDeps = {
    db: database.db,
    clock,
    ids,
    tracker: config.postalTracking
      ? createLaPosteSuiviTracker({ baseUrl: config.postalTracking.url, apiKey: config.postalTracking.apiKey })
      : createSimulatedTracker({ clock, depositedAt: (number) => depositedAtOf(database.db, number) }),
    perRun: config.postalTrackingPerMinute,
    onError: (err, number) => logger.warn({ err, number }, 'postal tracking: a number could not be followed'),
  };
  queue.every('postal.tracking', 60_000, async () => void (await pollPostalTracking(postal)));
  queue.every('returns.watchdog', 3600_000, async () => void (await runWatchdog(returns)));

  const db = database;
  return {
    config,
    database: db,
    db: db.db,
    queue,
    storage,
    trust: { keys: trustKeys, timeStamper, checkpoints },
    mail,
    clock,
    ids,
    secretBox,
    documents,
    orders,
    eletters,
    returns,
    demoIdentityProvider,
    production,
    webhooks,
    archive,
    publicUrl: config.publicUrl,
    logger,
    async close() {
      await queue.stop();
      await demoIdentityProvider?.close();
      await mailer.close?.();
      if (!overrides.database) await db.close();
      lock?.release();
    },
  };
}

/**
 * The identity check of registered e-letters' recipients: the configured OpenID provider, or the
 * built-in demo one (anybody types a name: a demonstration, never production) at /demo-idp.
 */
async function identityFor(config: Config, overrides: ContainerOverrides): Promise<{ identity: IdentityProvider | null; demoIdentityProvider: DemoIdentityProvider | null }> {
  if (overrides.identity !== undefined) return { identity: overrides.identity, demoIdentityProvider: null };
  const idp = config.identityProvider;
  if (idp) {
    if (!idp.clientId || !idp.clientSecret) throw new Error('PLI_IDP_ISSUER needs PLI_IDP_CLIENT_ID and PLI_IDP_CLIENT_SECRET (the client registered with the identity provider).');
    return {
      identity: createOidcIdentityProvider({ issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, ...(idp.acr ? { acrValues: idp.acr } : {}), allowInsecureHttp: idp.issuer.startsWith('http:') }),
      demoIdentityProvider: null,
    };
  }
  const issuer = `${config.publicUrl.replace(/\/$/, '')}/demo-idp`;
  const clientSecret = randomBytes(24).toString('base64url');
  const demo = await createDemoIdentityProvider({ issuer, clients: [{ client_id: 'pli', client_secret: clientSecret, redirect_uris: [identityCallback(config.publicUrl)] }] });
  return { identity: createOidcIdentityProvider({ issuer, clientId: 'pli', clientSecret, allowInsecureHttp: issuer.startsWith('http:') }), demoIdentityProvider: demo };
}
