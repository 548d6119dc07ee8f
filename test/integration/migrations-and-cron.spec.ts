import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { PrismaService } from '../../src/database/prisma.service';
import {
  migrate,
  MIGRATIONS_DIR,
  readMigrations,
  SqlConnection,
} from '../../src/database/migrator';
import { freshDatabase, TEST_DATABASES } from '../helpers/databases';

describe.each(TEST_DATABASES)('migrations on %s', (kind) => {
  it('applies each migration once, records it as Prisma does, and refuses an edited one', async () => {
    const db = await freshDatabase(kind);
    const app = await createApp(db.config, { listen: false });
    const prisma = app.get(PrismaService);
    try {
      const rows = await prisma.$queryRawUnsafe<{ migration_name: string; checksum: string }[]>(
        'SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name',
      );
      const files = readMigrations();
      expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
      const first = files[0];
      expect(rows[0].checksum).toBe(
        createHash('sha256')
          .update(readFileSync(path.join(MIGRATIONS_DIR, first.name, 'migration.sql')))
          .digest('hex'),
      );

      const conn: SqlConnection = {
        exec: async (sql) => void (await prisma.$executeRawUnsafe(sql)),
        query: async <T>(sql: string, params: unknown[] = []) =>
          prisma.$queryRawUnsafe<T[]>(sql, ...params),
      };
      expect(await migrate(conn)).toEqual({ applied: [], alreadyApplied: files.length });
      await expect(migrate(conn, [{ ...first, checksum: 'edited' }])).rejects.toThrow(
        /was changed after it was applied/,
      );
    } finally {
      await app.close();
      await db.cleanup();
    }
  });

  it('rolls a failing migration back whole and stops the start with its name', async () => {
    const db = await freshDatabase(kind);
    const dir = mkdtempSync(path.join(tmpdir(), 'nkmt-mig-'));
    mkdirSync(path.join(dir, '20990101000000_broken'));
    writeFileSync(
      path.join(dir, '20990101000000_broken', 'migration.sql'),
      'CREATE TABLE half_done (id int);\nSELECT no_such_function();',
    );
    const app = await createApp(db.config, { listen: false });
    const prisma = app.get(PrismaService);
    try {
      const conn: SqlConnection = {
        exec: async (sql) => void (await prisma.$executeRawUnsafe(sql)),
        query: async <T>(sql: string, params: unknown[] = []) =>
          prisma.$queryRawUnsafe<T[]>(sql, ...params),
      };
      if (kind === 'pglite') {
        // PGlite is one connection: the migration's BEGIN/ROLLBACK hold for the statements after it.
        await expect(migrate(conn, readMigrations(dir))).rejects.toThrow(
          /migration 20990101000000_broken failed/,
        );
        const t = await prisma.$queryRawUnsafe<{ n: number }[]>(
          "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'half_done'",
        );
        expect(t[0].n).toBe(0);
      } else {
        // On a server pool BEGIN and the statements may use different connections; the real runner
        // uses one dedicated client, so test it through a single pg client.
        const { Client } = await import('pg');
        const c = new Client({ connectionString: db.env.DATABASE_URL });
        await c.connect();
        const single: SqlConnection = {
          exec: async (sql) => void (await c.query(sql)),
          query: async <T>(sql: string, p?: unknown[]) => (await c.query(sql, p)).rows as T[],
        };
        await expect(migrate(single, readMigrations(dir))).rejects.toThrow(
          /migration 20990101000000_broken failed/,
        );
        const t = await c.query(
          "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'half_done'",
        );
        expect(t.rows[0].n).toBe(0);
        await c.end();
      }
    } finally {
      await app.close();
      await db.cleanup();
    }
  });
});

describe('scheduled ingestion', () => {
  let app: INestApplication;
  let cleanup: () => Promise<void>;

  afterEach(async () => {
    await app?.close();
    await cleanup?.();
  });

  it('registers one cron job per source, and a failing scheduled fetch records a failed run while the app keeps serving', async () => {
    const db = await freshDatabase('pglite', {
      ENABLE_CRON: 'true',
      DAILYNK_SHEET_CRON: '0 0 1 1 *',
      DAILYNK_SHEET_URL: 'http://127.0.0.1:47391/closed?sheet={tab}',
    });
    cleanup = () => db.cleanup();
    app = await createApp(db.config);
    const registry = app.get(SchedulerRegistry);
    const job = registry.getCronJob('ingest:dailynk-sheet');
    expect(job.cronTime.source).toBe('0 0 1 1 *');
    await job.fireOnTick();
    const prisma = app.get(PrismaService);
    let failed = null;
    for (let i = 0; i < 100 && !failed; i++) {
      failed = await prisma.ingestionRun.findFirst({
        where: { trigger: 'cron', status: 'failed' },
      });
      if (!failed) await new Promise((r) => setTimeout(r, 100));
    }
    expect(failed).toMatchObject({ errorKind: 'network', sourceId: 'dailynk-sheet' });
    const health = await request(app.getHttpServer()).get('/api/health').expect(200);
    expect(health.body.counts.observations).toBe(981);
  });

  it('schedules nothing with ENABLE_CRON=false', async () => {
    const db = await freshDatabase('pglite', { ENABLE_CRON: 'false' });
    cleanup = () => db.cleanup();
    app = await createApp(db.config, { listen: false });
    expect(app.get(SchedulerRegistry).getCronJobs().size).toBe(0);
  });
});
