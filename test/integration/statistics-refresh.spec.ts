import { INestApplication } from '@nestjs/common';
import { Readable } from 'node:stream';
import { createApp } from '../../src/app.factory';
import { PrismaService } from '../../src/database/prisma.service';
import { ImportRunner } from '../../src/ingestion/import-runner.service';
import {
  ObservationWriterService,
  PendingStatistics,
} from '../../src/prices/observation-writer.service';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';

// The planner's statistics after an import (ObservationWriterService.refreshStatistics): ANALYZE
// unless the table grew by less than a tenth since it was last analyzed and every country written
// is among the statistics' most common, as autovacuum decides on a server. reltuples, set by
// ANALYZE, tells whether it ran.
describe.each(TEST_DATABASES)('the statistics after an import on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  // months × 100 markets of one commodity, monthly from 1990-01 (WFP's HDX layout)
  const file = (country: string, from: number, months: number) =>
    [
      'date,admin1,admin2,market,market_id,latitude,longitude,category,commodity,commodity_id,unit,priceflag,pricetype,currency,price,usdprice',
      ...Array.from({ length: months * 100 }, (_, i) => {
        const t = from + Math.floor(i / 100);
        const date = `${1990 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-15`;
        return `${date},North,District,Market ${i % 100},${(i % 100) + 1},,,cereals and tubers,Maize,2,KG,actual,Retail,XXX,${100 + (i % 7)},`;
      }),
    ].join('\n');
  const importFile = async (
    country: string,
    from: number,
    months: number,
    statistics?: PendingStatistics,
  ) => {
    const r = await app
      .get(ImportRunner)
      .importPrices(Readable.from([file(country, from, months)]), {
        country,
        trigger: 'cli',
        statistics,
      });
    expect(r.run.status).toBe('succeeded');
  };
  const reltuples = async () =>
    (
      await app
        .get(PrismaService)
        .$queryRawUnsafe<{ n: number }[]>(
          `SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'series_point'::regclass`,
        )
    )[0].n;

  // the share of nulls the statistics hold for a column (null: never analyzed)
  const nullShare = async (column: string) =>
    (
      await app
        .get(PrismaService)
        .$queryRawUnsafe<{ f: number }[]>(
          `SELECT null_frac::float8 AS f FROM pg_stats WHERE schemaname = 'public' AND tablename = 'series_point' AND attname = $1`,
          column,
        )
    )[0]?.f ?? null;

  beforeAll(async () => {
    db = await freshDatabase(kind, {
      LOAD_ARCHIVE_ON_EMPTY: 'false',
      LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false',
      LOAD_SHIPPED_COUNTRIES: 'false',
    });
    app = await createApp(db.config, { listen: false });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  it('analyzes after a new country, skips a small growth of a known one, analyzes after a tenth', async () => {
    const writer = app.get(ObservationWriterService);
    await importFile('ken', 0, 200); // 20,000 rows of a new country: analyzed by the import
    expect(await reltuples()).toBe(20_000);
    await importFile('ken', 200, 5); // 500 rows: too few to analyze
    await writer.refreshStatistics(10_000, ['KEN']); // 2.5 % growth, a known country: skipped
    expect(await reltuples()).toBe(20_000);
    expect(await nullShare('quality_notes')).toBe(1);
    // a note on 100 rows: a column no read plans by
    await app
      .get(PrismaService)
      .$executeRawUnsafe(
        `UPDATE observation SET quality_notes = 'checked' WHERE id IN (SELECT id FROM observation ORDER BY id LIMIT 100)`,
      );
    // a country the statistics never saw, in a table grown by less than a tenth: the columns
    // reads plan by are analyzed, not the note
    await writer.refreshStatistics(10_000, ['NGA']);
    expect(await reltuples()).toBe(20_500);
    expect(await nullShare('quality_notes')).toBe(1);
    await importFile('ken', 205, 30); // 3,000 rows: 14.6 % more pages than analyzed
    await writer.refreshStatistics(10_000, ['KEN']);
    expect(await reltuples()).toBe(23_500);
    expect(await nullShare('quality_notes')).toBeCloseTo(1 - 100 / 23_500, 6);
  }, 120_000);

  it('refreshes once after several imports that leave it to the caller', async () => {
    const runner = app.get(ImportRunner);
    const pending = new PendingStatistics();
    const before = await reltuples();
    await importFile('eth', 0, 150, pending); // 15,000 rows of a new country each
    await importFile('som', 0, 150, pending);
    expect(await reltuples()).toBe(before); // neither import refreshed
    expect(pending.inserted).toBe(30_000);
    expect([...pending.countries].sort()).toEqual(['ETH', 'SOM']);
    await runner.settleStatistics(pending); // 30,000 rows more: a full refresh
    expect(await reltuples()).toBe(before + 30_000);
  }, 120_000);
});
