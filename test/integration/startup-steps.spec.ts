import { readFileSync } from 'node:fs';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/app-config';
import { PrismaService } from '../../src/database/prisma.service';
import { StartupService } from '../../src/startup.service';
import { freshDatabase, TEST_DATABASES } from '../helpers/databases';
import { fixture } from '../helpers/markets';

// The start-up steps run until their own run has succeeded once, whatever else the database holds:
// a user whose first command imported another country's file still gets North Korea's archive,
// and the server loads the real second country (Bangladesh, WDI) in the background.
describe.each(TEST_DATABASES)('start-up steps on %s', (kind) => {
  it('loads the archive after a first import, then the shipped country in the background, once', async () => {
    const db = await freshDatabase(kind, { ADMIN_TOKEN: 'secret-token' });
    const config = (env: Record<string, string>) => loadConfig({ ...db.env, ...env });
    try {
      // the first thing this user does: import Colombia's file (no archive, no shipped country)
      const first = await createApp(
        config({ LOAD_ARCHIVE_ON_EMPTY: 'false', LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false' }),
      );
      await request(first.getHttpServer())
        .post('/api/imports/wfp?fileName=wfp_food_prices_col.csv')
        .set('authorization', 'Bearer secret-token')
        .set('content-type', 'text/csv')
        .send(readFileSync(fixture('wfp', 'wfp_food_prices_col.csv')))
        .expect(200);
      await first.close();

      // then the server, as npm start runs it
      const app = await createApp(config({ LOAD_SHIPPED_COUNTRIES: 'true' }));
      try {
        const prisma = app.get(PrismaService);
        // North Korea is served at once
        expect(await prisma.observation.count({ where: { country: 'PRK' } })).toBe(981);
        await app.get(StartupService).background;
        const health = (await request(app.getHttpServer()).get('/api/health').expect(200)).body;
        expect(
          (health.startup.steps as { step: string; status: string }[]).map((s) => [
            s.step,
            s.status,
          ]),
        ).toEqual([
          ['sample-towers', 'ok'],
          ['archive', 'ok'],
          ['shipped-wfp', 'ok'],
          ['shipped-wdi', 'ok'],
        ]);
        expect(await prisma.observation.count({ where: { country: 'BGD' } })).toBe(23965);
        expect(await prisma.observation.count({ where: { country: 'COL' } })).toBe(190);
        expect(
          await prisma.mobileSeriesPoint.count({
            where: { country: 'BGD', series: 'itu_subscriptions_per_100' },
          }),
        ).toBeGreaterThan(20);
      } finally {
        await app.close();
      }

      // a restart finds every step's own run done: nothing is imported again
      const again = await createApp(config({ LOAD_SHIPPED_COUNTRIES: 'true' }));
      try {
        await again.get(StartupService).background;
        expect(
          again
            .get(StartupService)
            .status()
            .map((s) => [s.step, s.status]),
        ).toEqual([
          ['sample-towers', 'skipped'],
          ['archive', 'skipped'],
          ['shipped-wfp', 'skipped'],
          ['shipped-wdi', 'skipped'],
        ]);
        const runs = await again.get(PrismaService).ingestionRun.count();
        // the COL import, the sample towers, the archive, the Bangladesh import, the WDI import
        expect(runs).toBe(5);
      } finally {
        await again.close();
      }
    } finally {
      await db.cleanup();
    }
  }, 180_000);
});
