import { bootstrap, exitWith } from './bootstrap.js';

/** A worker process: the same container, every module's jobs, no HTTP. PostgreSQL only — the
 * embedded database runs its workers inside the API process. */
const { config, container } = await bootstrap();
if (!config.databaseUrl) {
  await container.close();
  exitWith('The worker process needs DATABASE_URL: with the embedded database, "npm start" runs the workers itself.');
}
await container.queue.start({ work: true });
container.logger.info('Pli worker started');

const stop = async () => {
  await container.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
