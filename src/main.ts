import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { createApp, listenApp } from './app.factory';
import { loadConfig } from './config/app-config';
import { DataDirBusyError, lockFilePath, readLiveLock } from './database/data-dir-lock';
import { startWhenDatabaseAnswers } from './waiting-room';
import { kindOf } from './common/domain-error';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // a second server on a busy data folder: one clear line, before Nest logs a stack trace
  const live = config.database.kind === 'pglite' ? readLiveLock(config.dataDir) : undefined;
  if (live) throw new DataDirBusyError(lockFilePath(config.dataDir), live);
  // PostgreSQL down at boot: serve a waiting room (health 503 with the reason) and retry with
  // backoff until it answers. PGlite lives in this process: nothing to wait for.
  const app =
    config.database.kind === 'postgres'
      ? await startWhenDatabaseAnswers({
          build: () => createApp(config, { listen: false }),
          serve: (built, port) => listenApp(built, { ...config, port }),
          port: config.port,
          host: config.host,
          databaseKind: 'postgres',
          firstDelayMs: config.databaseRetryMs,
          maxDelayMs: 30_000,
          log: (line) => new Logger('Database').warn(line),
        })
      : await createApp(config);
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  new Logger('Main').log(
    `serving on http://localhost:${port}/api (OpenAPI: /api/docs), database: ${config.database.kind}`,
  );
}

bootstrap().catch((err: Error) => {
  // a setting or a busy data folder: the sentence says it all; anything else with its stack
  if (kindOf(err)) {
    console.error(err.message);
  } else {
    console.error(err);
  }
  process.exit(1);
});
