import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { AppConfig, loadConfig } from '../../src/config/app-config';

export type DbKind = 'pglite' | 'postgres';

// Which databases the integration tests run on: both by default (CI has a PostgreSQL server);
// TEST_DATABASES=pglite skips the server on a machine without one.
export const TEST_DATABASES: DbKind[] = (process.env.TEST_DATABASES ?? 'pglite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is DbKind => s === 'pglite' || s === 'postgres');

export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface TestDb {
  kind: DbKind;
  config: AppConfig;
  env: Record<string, string>;
  dataDir: string;
  cleanup(): Promise<void>;
}

// A fresh database per call: a temporary PGlite folder, or a new database on the PostgreSQL server.
export async function freshDatabase(
  kind: DbKind,
  extraEnv: Record<string, string> = {},
): Promise<TestDb> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'nkmt-test-'));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    ENABLE_CRON: 'false',
    LOG_LEVEL: 'error',
    PORT: '0',
    HOST: '127.0.0.1',
    HTTP_MIN_INTERVAL_MS: '0',
    HTTP_RETRY_BASE_MS: '5',
    // the suites call the API far faster than a client may; http-hardening.spec tests the limits
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_ANALYSIS_PER_MINUTE: '0',
    // the shipped Bangladesh and WDI files load in the background of a server: a suite that wants
    // them says so
    LOAD_SHIPPED_COUNTRIES: 'false',
    ...extraEnv,
  };
  let dropDatabase: (() => Promise<void>) | undefined;
  if (kind === 'postgres') {
    const name = `nkmt_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = new Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    dropDatabase = async () => {
      const c = new Client({ connectionString: TEST_POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  return {
    kind,
    config: loadConfig(env),
    env,
    dataDir,
    async cleanup() {
      await dropDatabase?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
