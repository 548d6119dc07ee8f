import path from 'node:path';
import { BadRequestException } from '@nestjs/common';
import { ConfigError, loadConfig } from '../config/app-config';
import { SubscriptionFileError } from '../coverage/subscriptions-file.parser';
import { DataDirBusyError, readLiveLock } from '../database/data-dir-lock';
import { RunInProgressError, UnknownSourceError } from '../ingestion/ingestion.service';
import { UnknownIdError } from '../prices/prices.service';
import { SourceError } from '../sources/source.error';
import { createSources } from '../sources/source-registry';
import { WfpFileError } from '../sources/wfp-hdx/wfp-hdx.parser';
import { Backend } from './backend';
import { CliIo, Command, readArgs, UsageError } from './commands/command';
import {
  importSubscriptionsCommand,
  importTowersCommand,
  importWfpCommand,
} from './commands/imports';
import { ingestCommand, replayCommand } from './commands/ingest';
import { migrateCommand } from './commands/migrate';
import { parseCommand } from './commands/parse';
import { reportCommand } from './commands/report';
import { runsCommand } from './commands/runs';
import { sourcesCommand } from './commands/sources';
import { HandOffError, HttpBackend } from './http-backend';
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
  importWfpCommand,
  importSubscriptionsCommand,
  importTowersCommand,
  reportCommand,
  sourcesCommand,
];

export const USAGE = `usage: npm run cli -- <command>

${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}

Exit codes, the same whether the command runs here or is handed to a running server:
  0  done
  1  a run failed, or was skipped because another process runs that source (ingest all still
     tries every source), or the running server could not be reached
  2  bad usage or bad input (unknown source, commodity, file format), or the database is busy`;

// The command named by the first words of argv, and the arguments after them.
function findCommand(argv: string[]): { command: Command; args: string[] } | undefined {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  if (at < 0) return undefined;
  const [first, second] = [argv[at], argv[at + 1]];
  const command =
    COMMANDS.find((c) => c.words.length === 2 && c.words[0] === first && c.words[1] === second) ??
    COMMANDS.find((c) => c.words.length === 1 && c.words[0] === first);
  if (!command) {
    if (first === 'import')
      throw new UsageError(
        'import needs: wfp <file> [--country ISO3], subscriptions <file>, or towers <file> --format opencellid|csv|geojson --source NAME',
      );
    throw new UsageError(`unknown command "${first}"`);
  }
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

export function exitCodeFor(err: unknown, io: CliIo): number {
  if (
    err instanceof ConfigError ||
    err instanceof DataDirBusyError ||
    err instanceof UsageError ||
    err instanceof UnknownSourceError ||
    err instanceof UnknownIdError ||
    err instanceof SourceError ||
    err instanceof WfpFileError ||
    err instanceof SubscriptionFileError ||
    // what the shared request checks refuse (the API's 400s): unknown country, mixed series, ...
    err instanceof BadRequestException
  ) {
    io.err(`error: ${err.message}`);
    if (err instanceof DataDirBusyError)
      io.err(
        'stop the other process, or set DATABASE_URL to share a PostgreSQL server between processes',
      );
    if (err instanceof UsageError) io.err(USAGE);
    return 2;
  }
  if (err instanceof HandOffError) {
    io.err(`${err.busy ? 'skipped' : 'error'}: ${err.message}`);
    return err.exitCode;
  }
  if (err instanceof RunInProgressError) {
    // another process is running the source right now: not an error in the setup, but this run did not happen
    io.err(`skipped: ${err.message}`);
    return 1;
  }
  if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.err(`error: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  io.err(`error: ${(err as Error).stack ?? String(err)}`);
  return 1;
}
