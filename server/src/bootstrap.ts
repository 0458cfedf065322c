import type { Logger } from 'pino';
import { loadConfig, ConfigError, type Config } from './config.js';
import { createContainer, type Container } from './container.js';
import { DataDirBusyError } from './platform/db/data-dir-lock.js';
import { createLogger } from './platform/logger/logger.js';
import { formatSeedNotice, seed } from './modules/accounts/index.js';
import { ensureProductionRules, ensureStandardTariff } from './modules/orders/index.js';
import { seedDemoRange } from './modules/production/index.js';

/** Start-up shared by the API, the worker and the CLI: config, container, migrations, seed. */
export async function bootstrap(opts: { logger?: Logger; env?: Record<string, string | undefined> } = {}): Promise<{ config: Config; container: Container }> {
  let config: Config;
  try {
    config = loadConfig(opts.env);
  } catch (err) {
    if (err instanceof ConfigError) exitWith(err.message);
    throw err;
  }
  const logger = opts.logger ?? createLogger(config.logLevel);
  let container: Container;
  try {
    container = await createContainer(config, logger);
  } catch (err) {
    if (err instanceof DataDirBusyError) exitWith(err.message);
    if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') exitWith(`Cannot reach PostgreSQL at DATABASE_URL (${(err as Error).message}). Is the server running?`);
    throw err;
  }
  const result = await seed(container, { demo: config.seed === 'demo', demoPassword: config.demoPassword });
  await ensureStandardTariff(container);
  await ensureProductionRules(container);
  // The demo sends registered letters too: its floor numbers them from a range of its own.
  if (result.created.length > 0) await seedDemoRange(container.production);
  const notice = formatSeedNotice(result);
  // To the terminal only: generated passwords must never reach the log stream.
  if (notice) process.stderr.write(`${notice}\n`);
  return { config, container };
}

export function exitWith(message: string): never {
  process.stderr.write(`\n${message}\n\n`);
  process.exit(1);
}
