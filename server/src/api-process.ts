import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app.js';
import { bootstrap } from './bootstrap.js';
import { runCommand } from './cli/commands.js';
import { startControlServer } from './platform/control/control-socket.js';

/**
 * The HTTP process (`main-api`, and `main-start` which builds the web app first). On the embedded
 * database it also runs the job workers and the control socket. The web app is two levels up from
 * server/src/ (sources) and from dist/server/ (the build) alike.
 */
export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export async function startApi(): Promise<void> {
  const { config, container } = await bootstrap();
  const app = await buildApp(container, { webDir: WEB_DIR });
  await container.queue.start({ work: config.workersInApi });
  const control = config.databaseUrl
    ? null
    : await startControlServer(config.dataDir, (argv) => runCommand(container, argv), (err) => container.logger.error({ err }, 'control command failed'));
  await app.listen({ port: config.port, host: config.host });
  container.logger.info(`Pli is running at ${config.publicUrl} (${container.database.kind}${config.workersInApi ? ', workers in process' : ''})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    container.logger.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await app.close();
    await control?.close();
    await container.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
