import { loadConfig, ConfigError, type Config } from '../config.js';
import { bootstrap, exitWith } from '../bootstrap.js';
import { readLockOwner } from '../platform/db/data-dir-lock.js';
import { sendControlCommand, type ControlResult } from '../platform/control/control-socket.js';
import { createLogger } from '../platform/logger/logger.js';
import { runCommand } from './commands.js';
import { runVerify } from './verify-command.js';

/**
 * `npm run pli -- …`. With the embedded database and a server running, the command goes to the
 * server's control socket; otherwise this process opens the database itself (migrating and
 * seeding a fresh one first, like the server).
 */
const argv = process.argv.slice(2);

function print(result: ControlResult): never {
  for (const line of result.stdout) process.stdout.write(`${line}\n`);
  for (const line of result.stderr) process.stderr.write(`${line}\n`);
  process.exit(result.code);
}

// The verifier needs nothing of Pli's: no configuration, database or server.
if (argv[0] === 'verify') print(await runVerify(argv.slice(1)));

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) exitWith(err.message);
  throw err;
}

if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help') {
  print(await runCommand({} as never, ['help']));
}

async function viaServer(): Promise<ControlResult | null> {
  if (config.databaseUrl || readLockOwner(config.dataDir) === null) return null;
  // A server owns the database; it may still be starting, so give its socket a moment.
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      return await sendControlCommand(config.dataDir, argv);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ECONNREFUSED') throw err;
      if (readLockOwner(config.dataDir) === null) return null;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  exitWith('A Pli server holds the data directory but does not answer on its control socket.');
}

const remote = await viaServer();
if (remote) print(remote);

// Logs from this short-lived process would interleave with the command's answer: warnings only.
const { container } = await bootstrap({ logger: createLogger('warn') });
try {
  const result = await runCommand(container, argv);
  await container.close();
  print(result);
} catch (err) {
  await container.close();
  throw err;
}
