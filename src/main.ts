import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';
import { DataDirBusyError, lockFilePath, readLiveLock } from './database/data-dir-lock';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // a second server on a busy data folder: one clear line, before Nest logs a stack trace
  const live = config.database.kind === 'pglite' ? readLiveLock(config.dataDir) : undefined;
  if (live) throw new DataDirBusyError(lockFilePath(config.dataDir), live);
  const app = await createApp(config);
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  new Logger('Main').log(
    `serving on http://localhost:${port}/api (OpenAPI: /api/docs), database: ${config.database.kind}`,
  );
}

bootstrap().catch((err: Error) => {
  if (err instanceof ConfigError || err instanceof DataDirBusyError) {
    console.error(err.message);
  } else {
    console.error(err);
  }
  process.exit(1);
});
