import path from 'node:path';
import { asDomainError, ERROR_KINDS, kindOf } from '../common/domain-error';
import { loadConfig } from '../config/app-config';
import { DataDirBusyError, readLiveLock } from '../database/data-dir-lock';
import { createSources } from '../sources/source-registry';
import { Backend } from './backend';
import { CliIo, Command, readArgs, UsageError } from './commands/command';
import { importCommand, importSubscriptionsCommand, importTowersCommand } from './commands/imports';
import { alertsCommand } from './commands/alerts';
import { crossCountryCommand } from './commands/cross-country';
import { ingestCommand, replayCommand } from './commands/ingest';
import { migrateCommand } from './commands/migrate';
import { parseCommand } from './commands/parse';
import { reportCommand } from './commands/report';
import { runsCommand } from './commands/runs';
import { sourcesCommand } from './commands/sources';
import { HttpBackend } from './http-backend';
import { LocalBackend } from './local-backend';

export { HandOffError } from './http-backend';
export { UsageError } from './commands/command';
export type { CliIo } from './commands/command';

// Every command, each in its own file with its own arguments (commands/), written once against
// the Backend interface: here, the application in this process; with the embedded database in
// use by a running server, that server over HTTP.
export const COMMANDS: readonly Command[] = [
  migrateCommand,
  ingestCommand,
  runsCommand,
  replayCommand,
  parseCommand,
  importSubscriptionsCommand,
  importTowersCommand,
  importCommand,
  reportCommand,
  crossCountryCommand,
  alertsCommand,
  sourcesCommand,
];

export const USAGE = `usage: npm run cli -- <command>

${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}

Exit codes, the same whether the command runs here or is handed to a running server:
  0  done
  1  a run failed, or was skipped because another process runs that source (ingest all still
     tries every source), the running server could not be reached, or the disk is full
  2  bad usage or bad input (unknown source, commodity, file format), or the database is busy`;

// The command named by the first words of argv, and the arguments after them.
function findCommand(argv: string[]): { command: Command; args: string[] } | undefined {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  if (at < 0) return undefined;
  const [first, second] = [argv[at], argv[at + 1]];
  const command =
    COMMANDS.find((c) => c.words.length === 2 && c.words[0] === first && c.words[1] === second) ??
    COMMANDS.find((c) => c.words.length === 1 && c.words[0] === first);
  if (!command) throw new UsageError(`unknown command "${first}"`);
  return { command, args: [...argv.slice(0, at), ...argv.slice(at + command.words.length)] };
}

export async function runCli(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const help = argv.includes('--help') || argv.includes('-h');
  const found = help ? undefined : findCommand(argv);
  if (!found) {
    if (!help) readArgs(argv, {}); // an unknown option alone is an ERR_PARSE_ARGS error
    io.out(USAGE);
    return help ? 0 : 2;
  }
  const config = loadConfig(env);
  const job = await found.command.prepare(found.args, { config, sources: createSources(config) });
  if (job.offline) return job.run(io);

  let backend: Backend;
  const lock = config.database.kind === 'pglite' ? readLiveLock(config.dataDir) : undefined;
  if (lock) {
    if (lock.holder !== 'server' || !lock.port)
      throw new DataDirBusyError(path.join(config.dataDir, 'app.lock'), lock);
    backend = new HttpBackend(lock);
    io.err(`the embedded database is in use by ${backend.description}: handing the work to it`);
  } else backend = await LocalBackend.open(config);
  try {
    return await job.run(backend, io);
  } finally {
    await backend.close();
  }
}

// The exit code of a failed command, from the error's kind (ERROR_KINDS, the table the API's
// statuses come from); a conflict (another process runs the source right now) is a skipped run.
export function exitCodeFor(err: unknown, io: CliIo): number {
  if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.err(`error: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const kind = kindOf(err);
  if (!kind) {
    io.err(`error: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
  const message = (asDomainError(err) as Error).message;
  io.err(`${kind === 'conflict' ? 'skipped' : 'error'}: ${message}`);
  if (err instanceof DataDirBusyError)
    io.err(
      'stop the other process, or set DATABASE_URL to share a PostgreSQL server between processes',
    );
  if (err instanceof UsageError) io.err(USAGE);
  return ERROR_KINDS[kind].exitCode;
}
