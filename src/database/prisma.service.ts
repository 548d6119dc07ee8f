import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PGliteAdapterFactory } from './pglite-adapter';
import { Client, Pool } from 'pg';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PrismaClient } from '../generated/prisma/client';
import { failpoint } from '../common/failpoint';
import {
  clusterCreated,
  createClusterApart,
  DataDirLock,
  discardUnfinishedCluster,
} from './data-dir-lock';
import { migrate, MigrationReport, SqlConnection } from './migrator';
import { PgliteFence, StorageGuard } from './storage-guard';

export type DatabaseKind = 'pglite' | 'postgres';
export type DatabaseHolder = 'server' | 'cli';
export const DATABASE_HOLDER = Symbol('DATABASE_HOLDER');

// Any fixed number: all replicas agree on it, so only one migrates at a time.
const MIGRATION_LOCK_KEY = 72_011_2008;

// The one database client. PGlite (embedded, in-process) by default; a PostgreSQL server when
// DATABASE_URL is set. With PGlite the data-folder lock is taken before the database is touched
// (construction fails with DataDirBusyError if another process holds it). Call `open()` before
// use: it applies pending migrations, so every entry point starts on the current schema.
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  readonly kind: DatabaseKind;
  readonly lock?: DataDirLock;
  // the free space every write needs under the embedded database (inactive on a PostgreSQL server)
  readonly storage: StorageGuard;
  private readonly pglite?: PGlite;
  private readonly fence: PgliteFence;
  private pgliteFailed = false;
  private readonly logger = new Logger('Database');
  private opened = false;
  private pool?: Pool;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_HOLDER) holder: DatabaseHolder,
  ) {
    const db = config.database;
    let pglite: PGlite | undefined;
    let lock: DataDirLock | undefined;
    let adapter: PGliteAdapterFactory | PrismaPg;
    const fence = new PgliteFence();
    const storage = new StorageGuard(
      db.kind === 'pglite' ? db.dataDir : undefined,
      config.diskReserveMiB,
    );
    if (db.kind === 'pglite') {
      lock = new DataDirLock(config.dataDir);
      lock.acquire(holder); // before PGlite opens the folder
      discardUnfinishedCluster(db.dataDir);
      createClusterApart(db.dataDir);
      pglite = fence.wrap(
        new PGlite(db.dataDir, {
          startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${db.sharedBuffers}`],
        }),
      );
      adapter = new PGliteAdapterFactory(pglite);
    } else {
      adapter = new PrismaPg({ connectionString: db.url });
    }
    super({ adapter });
    this.kind = db.kind;
    this.pglite = pglite;
    this.lock = lock;
    this.storage = storage;
    this.fence = fence;
    pglite?.waitReady.catch(() => (this.pgliteFailed = true));
  }

  // Why the embedded database no longer answers (its disk filled under its log), if it does not.
  get wedged(): string | undefined {
    return this.fence.wedged;
  }

  async open(): Promise<MigrationReport> {
    if (this.opened) return { applied: [], alreadyApplied: 0 };
    const report = await this.runMigrations();
    await this.$connect();
    this.opened = true;
    if (report.applied.length) this.logger.log(`applied migrations: ${report.applied.join(', ')}`);
    return report;
  }

  private async runMigrations(): Promise<MigrationReport> {
    if (this.pglite) {
      const pg = this.pglite;
      await pg.waitReady.catch((err: unknown) => {
        throw this.storage.explainStartFailure(err);
      });
      clusterCreated((this.config.database as { dataDir: string }).dataDir);
      await failpoint('pglite:cluster-created');
      const conn: SqlConnection = {
        exec: async (sql) => void (await pg.exec(sql)),
        query: async <T>(sql: string, params?: unknown[]) => (await pg.query<T>(sql, params)).rows,
      };
      return migrate(conn);
    }
    const db = this.config.database as { url: string };
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const conn: SqlConnection = {
        exec: async (sql) => void (await client.query(sql)),
        query: async <T>(sql: string, params?: unknown[]) =>
          (await client.query(sql, params)).rows as T[],
      };
      return await migrate(conn);
    } finally {
      await client
        .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
        .catch(() => undefined);
      await client.end();
    }
  }

  // The embedded database itself, for the bulk write path (COPY from a blob), which Prisma's
  // client does not expose; undefined on a PostgreSQL server.
  rawPglite(): PGlite | undefined {
    return this.pglite;
  }

  // Raw connections to the PostgreSQL server for the bulk write path (COPY), which Prisma's
  // client does not expose; undefined on PGlite.
  rawPool(): Pool | undefined {
    if (this.kind !== 'postgres') return undefined;
    if (!this.pool) {
      this.pool = new Pool({
        connectionString: (this.config.database as { url: string }).url,
        max: 4,
      });
      // an idle connection the server closed: the pool drops it and opens another when needed
      this.pool.on('error', (err) =>
        this.logger.warn(`a pooled database connection was lost: ${err.message}`),
      );
    }
    return this.pool;
  }

  // The last shutdown stage: runs in progress have drained in beforeApplicationShutdown.
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  // $disconnect does not close PGlite; without closing it the process never exits.
  async close(): Promise<void> {
    await this.$disconnect();
    await this.pool?.end();
    this.pool = undefined;
    // a PGlite that never started, or that a full disk wedged, would never finish closing (it
    // spins or waits for ever): the process exits without it, and nothing committed is lost
    if (this.pglite && !this.pglite.closed && !this.pgliteFailed && !this.wedged)
      await this.pglite.close();
    this.lock?.release();
    this.opened = false;
  }
}
