import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration from the environment', () => {
  it('has defaults that make `npm start` work on a bare machine', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: undefined, smtpUrl: undefined, s3: undefined, seed: 'demo', workersInApi: true });
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL must be a URL starting with postgres:// or postgresql://'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL must be a URL starting with smtp:// or smtps://'],
    [{ PLI_SEED: 'everything' }, 'PLI_SEED'],
    [{ PLI_DEMO_PASSWORD: 'short' }, 'PLI_DEMO_PASSWORD must be at least 8 characters'],
    [{ S3_ACCESS_KEY_ID: 'x', S3_BUCKET: 'pli' }, 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together'],
    [{ S3_ENDPOINT: 'http://s3.local' }, 'S3_BUCKET is not'],
    [{ PLI_WORKERS: 'false' }, 'PLI_WORKERS=false needs DATABASE_URL'],
    [{ PLI_WORKERS: 'maybe' }, 'PLI_WORKERS'],
  ])('refuses %o with a sentence naming it', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats a secret value in its message', () => {
    try {
      loadConfig({ PLI_DEMO_PASSWORD: 'secret' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('"secret"');
    }
  });

  it('reads PostgreSQL, SMTP and S3 settings', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://pli@db/pli',
      SMTP_URL: 'smtp://relay:587',
      S3_BUCKET: 'pli',
      S3_ENDPOINT: 'http://s3.local:9000',
      S3_ACCESS_KEY_ID: 'a',
      S3_SECRET_ACCESS_KEY: 'b',
      PLI_WORKERS: 'false',
    });
    expect(c).toMatchObject({ databaseUrl: 'postgres://pli@db/pli', smtpUrl: 'smtp://relay:587', workersInApi: false, s3: { bucket: 'pli', endpoint: 'http://s3.local:9000', forcePathStyle: true } });
  });
});
