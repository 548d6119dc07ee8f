import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/app-config';
import { freshDatabase, TEST_DATABASES, TEST_POSTGRES_URL, TestDb } from '../helpers/databases';

// Backup and restore as README's "Backup and restore" describes them: pg_dump / pg_restore for
// PostgreSQL, a copy of the stopped data folder for PGlite. Restored into a fresh place, the app
// serves the same data: the same counts, the same pages of observations, the same statistic.

const READS = [
  '/api/health',
  '/api/observations?commodity=rice&limit=5000',
  '/api/observations?commodity=usd&market=pyongyang&format=csv',
  '/api/analysis/dispersion?commodity=rice',
];

async function answers(app: INestApplication): Promise<string[]> {
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const out: string[] = [];
  for (const p of READS) {
    const res = await fetch(base + p);
    expect(res.status).toBe(200);
    const text = await res.text();
    // health carries the uptime and the start-up steps of this process: compare its counts only
    out.push(
      p === '/api/health' ? JSON.stringify((JSON.parse(text) as { counts: unknown }).counts) : text,
    );
  }
  return out;
}

describe('backup and restore', () => {
  (TEST_DATABASES.includes('postgres') ? it : it.skip)(
    'PostgreSQL: pg_dump -Fc, pg_restore into a new database, the same answers',
    async () => {
      const db = await freshDatabase('postgres');
      const dump = path.join(mkdtempSync(path.join(tmpdir(), 'nkmt-dump-')), 'backup.dump');
      const name = `nkmt_restore_${process.pid}_${Date.now()}`;
      const admin = new Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      try {
        const app = await createApp(db.config);
        const before = await answers(app);
        await app.close();
        execFileSync('pg_dump', ['-Fc', '-f', dump, '-d', db.env.DATABASE_URL]);
        await admin.query(`CREATE DATABASE ${name}`);
        const url = new URL(TEST_POSTGRES_URL);
        url.pathname = `/${name}`;
        execFileSync('pg_restore', ['--no-owner', '-d', url.toString(), dump]);
        const restored = await createApp(loadConfig({ ...db.env, DATABASE_URL: url.toString() }));
        try {
          expect(await answers(restored)).toEqual(before);
          expect(JSON.parse((await answers(restored))[0])).toMatchObject({ observations: 981 });
        } finally {
          await restored.close();
        }
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
        rmSync(path.dirname(dump), { recursive: true, force: true });
        await db.cleanup();
      }
    },
    180_000,
  );

  it('PGlite: a copy of the stopped data folder, opened in a fresh place, the same answers', async () => {
    const db: TestDb = await freshDatabase('pglite');
    const copy = mkdtempSync(path.join(tmpdir(), 'nkmt-restore-'));
    try {
      const app = await createApp(db.config);
      const before = await answers(app);
      await app.close(); // stopped: the folder is consistent and the lock released
      cpSync(db.dataDir, copy, { recursive: true });
      const restored = await createApp(loadConfig({ ...db.env, DATA_DIR: copy }));
      try {
        expect(await answers(restored)).toEqual(before);
      } finally {
        await restored.close();
      }
    } finally {
      rmSync(copy, { recursive: true, force: true });
      await db.cleanup();
    }
  }, 180_000);
});
