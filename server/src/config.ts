import path from 'node:path';
import { z } from 'zod';

/**
 * The only reader of process.env. Parsed once at start; a bad value stops the process with a
 * sentence naming the variable, never a stack trace.
 */
const booleanish = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PLI_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).default('Pli <no-reply@pli.test>'),
  S3_BUCKET: z.string().min(3).optional(),
  S3_ENDPOINT: url(['http:', 'https:']).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: booleanish.default(true),
  PLI_SEED: z.enum(['demo', 'none']).default('demo'),
  PLI_DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  PLI_WORKERS: booleanish.optional(),
  PLI_PUBLIC_URL: url(['http:', 'https:']).optional(),
  PLI_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  PLI_MAX_UPLOAD_BYTES: z.coerce.number().int().min(1024).default(50 * 1024 * 1024),
  PLI_ARCHIVE_MAX_BYTES: z.coerce.number().int().min(1024).default(200 * 1024 * 1024),
  PLI_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  PLI_SIGN_IN_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  PLI_TRUST_PROXY: booleanish.default(false),
  PLI_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PLI_WEBHOOKS_ALLOW_PRIVATE: booleanish.default(false),
  PLI_BATCHING_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  PLI_FLOOR_SIMULATOR: booleanish.default(false),
  PLI_FLOOR_SIMULATOR_STEP_SECONDS: z.coerce.number().min(0.5).max(3600).default(5),
  PLI_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, { message: 'must be 32 bytes in base64 (openssl rand -base64 32)' })
    .optional(),
  // Trust services (ADR 0016): where the seal and time-stamping keys live, an outside RFC 3161
  // authority (production: a qualified one), how often the journal is checkpointed.
  PLI_KEYS_DIR: z.string().min(1).optional(),
  PLI_TSA_URL: url(['http:', 'https:']).optional(),
  PLI_CHECKPOINT_MINUTES: z.coerce.number().min(0).max(1440).default(5),
  // E-letters' identity check (OpenID Connect, e.g. FranceConnect+). Unset: the built-in demo
  // provider at PLI_PUBLIC_URL/demo-idp, where anybody types a name (never for production).
  PLI_IDP_ISSUER: url(['http:', 'https:']).optional(),
  PLI_IDP_CLIENT_ID: z.string().min(1).optional(),
  PLI_IDP_CLIENT_SECRET: z.string().min(1).optional(),
  /** The assurance level required (FranceConnect+: eidas2 substantial, eidas3 high). */
  PLI_IDP_ACR: z.string().min(1).optional(),
  /** Attempts to open a letter (link and code), per minute and address. */
  PLI_RECIPIENT_OPEN_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  // La Poste's tracking API ("Suivi", e.g. https://api.laposte.fr) and its key (X-Okapi-Key).
  // Unset: a simulator makes up plausible journeys from each letter's deposit (demonstration).
  PLI_POSTAL_TRACKING_URL: url(['http:', 'https:']).optional(),
  PLI_POSTAL_TRACKING_KEY: z.string().min(1).optional(),
  /** Registered numbers asked per minute (the operator's quota). */
  /** Where the returns desk's scanner saves its files (default PLI_DATA_DIR/returns-inbox). */
  PLI_RETURNS_INBOX_DIR: z.string().min(1).optional(),
  PLI_POSTAL_TRACKING_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(50),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly s3:
    | {
        readonly bucket: string;
        readonly endpoint: string | undefined;
        readonly region: string;
        readonly accessKeyId: string | undefined;
        readonly secretAccessKey: string | undefined;
        readonly forcePathStyle: boolean;
      }
    | undefined;
  readonly seed: 'demo' | 'none';
  readonly demoPassword: string | undefined;
  /** Whether this API process also runs the job workers. Always true on the embedded database. */
  readonly workersInApi: boolean;
  readonly publicUrl: string;
  readonly bodyLimitBytes: number;
  /** Largest uploaded document. */
  readonly maxUploadBytes: number;
  /** The largest file the electronic archive accepts. */
  readonly archiveMaxBytes: number;
  readonly rateLimitPerMinute: number;
  /** Sign-in steps, activations and resets a minute per address, on top of the account lockout. */
  readonly signInLimitPerMinute: number;
  readonly trustProxy: boolean;
  /** When set, /metrics asks for it as a bearer token. */
  readonly metricsToken: string | undefined;
  /** Webhooks may call http:// and private or loopback addresses (development and tests only). */
  readonly webhooksAllowPrivate: boolean;
  /** How often accepted mailpieces go into batches and cut-offs are checked; 0 turns it off. */
  readonly batchingIntervalSeconds: number;
  /** A simulated operator drives the floor through the scanning use cases (demos and tests). */
  readonly floorSimulator: { stepSeconds: number } | null;
  /** Encrypts secrets at rest; else a key file in the data directory. */
  readonly secretKey: string | undefined;
  readonly keysDir: string;
  readonly tsaUrl: string | undefined;
  /** 0: no periodic checkpoints (tests write them when they want). */
  readonly checkpointMinutes: number;
  /** null: the built-in demo identity provider. */
  readonly identityProvider: { readonly issuer: string; readonly clientId: string; readonly clientSecret: string; readonly acr: string | undefined } | null;
  readonly recipientOpenLimitPerMinute: number;
  /** La Poste's tracking API; null: the simulator. */
  readonly postalTracking: Readonly<{ url: string; apiKey: string }> | null;
  readonly postalTrackingPerMinute: number;
  readonly returnsInboxDir: string;
  readonly logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset: `FOO= npm start` should mean "default", not "invalid".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = i.path.join('.');
        const given = cleaned[name];
        const secret = /PASSWORD|SECRET|KEY/.test(name);
        return `${name} ${i.message}${given !== undefined && !secret ? ` (got "${given}")` : ''}`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  }
  if (e.S3_BUCKET === undefined && e.S3_ENDPOINT !== undefined) {
    problems.push('S3_ENDPOINT is set but S3_BUCKET is not: set S3_BUCKET to use object storage');
  }
  if (e.DATABASE_URL === undefined && e.PLI_WORKERS === false) {
    problems.push('PLI_WORKERS=false needs DATABASE_URL: the embedded database can only be used by one process');
  }
  if (e.PLI_POSTAL_TRACKING_URL !== undefined && e.PLI_POSTAL_TRACKING_KEY === undefined) {
    problems.push('PLI_POSTAL_TRACKING_URL needs PLI_POSTAL_TRACKING_KEY (the API key La Poste gave you)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.PLI_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    s3:
      e.S3_BUCKET === undefined
        ? undefined
        : Object.freeze({
            bucket: e.S3_BUCKET,
            endpoint: e.S3_ENDPOINT,
            region: e.S3_REGION,
            accessKeyId: e.S3_ACCESS_KEY_ID,
            secretAccessKey: e.S3_SECRET_ACCESS_KEY,
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
          }),
    seed: e.PLI_SEED,
    demoPassword: e.PLI_DEMO_PASSWORD,
    workersInApi: e.DATABASE_URL === undefined ? true : (e.PLI_WORKERS ?? true),
    publicUrl: e.PLI_PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    bodyLimitBytes: e.PLI_BODY_LIMIT_BYTES,
    maxUploadBytes: e.PLI_MAX_UPLOAD_BYTES,
    archiveMaxBytes: e.PLI_ARCHIVE_MAX_BYTES,
    rateLimitPerMinute: e.PLI_RATE_LIMIT_PER_MINUTE,
    signInLimitPerMinute: e.PLI_SIGN_IN_LIMIT_PER_MINUTE,
    trustProxy: e.PLI_TRUST_PROXY,
    metricsToken: e.PLI_METRICS_TOKEN,
    webhooksAllowPrivate: e.PLI_WEBHOOKS_ALLOW_PRIVATE,
    batchingIntervalSeconds: e.PLI_BATCHING_INTERVAL_SECONDS,
    floorSimulator: e.PLI_FLOOR_SIMULATOR ? Object.freeze({ stepSeconds: e.PLI_FLOOR_SIMULATOR_STEP_SECONDS }) : null,
    secretKey: e.PLI_SECRET_KEY,
    // Beside the secret-box key (PLI_DATA_DIR/keys), in a directory of their own.
    keysDir: path.resolve(e.PLI_KEYS_DIR ?? path.join(e.PLI_DATA_DIR, 'keys', 'trust')),
    tsaUrl: e.PLI_TSA_URL,
    checkpointMinutes: e.PLI_CHECKPOINT_MINUTES,
    identityProvider: e.PLI_IDP_ISSUER ? Object.freeze({ issuer: e.PLI_IDP_ISSUER, clientId: e.PLI_IDP_CLIENT_ID ?? '', clientSecret: e.PLI_IDP_CLIENT_SECRET ?? '', acr: e.PLI_IDP_ACR }) : null,
    recipientOpenLimitPerMinute: e.PLI_RECIPIENT_OPEN_LIMIT_PER_MINUTE,
    postalTracking: e.PLI_POSTAL_TRACKING_URL ? Object.freeze({ url: e.PLI_POSTAL_TRACKING_URL, apiKey: e.PLI_POSTAL_TRACKING_KEY ?? '' }) : null,
    postalTrackingPerMinute: e.PLI_POSTAL_TRACKING_PER_MINUTE,
    returnsInboxDir: path.resolve(e.PLI_RETURNS_INBOX_DIR ?? path.join(e.PLI_DATA_DIR, 'returns-inbox')),
    logLevel: e.LOG_LEVEL,
  });
}
