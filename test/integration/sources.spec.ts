import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { PrismaService } from '../../src/database/prisma.service';
import { IngestionService } from '../../src/ingestion/ingestion.service';
import { ObservationWriterService } from '../../src/prices/observation-writer.service';
import { PricesService } from '../../src/prices/prices.service';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';
import { FixtureServer } from '../helpers/http-fixture-server';
import { readFixture } from '../helpers/markets';

// Every adapter through the real fetch, parse and store path, against pages served locally.
describe.each(TEST_DATABASES)('source adapters end to end on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  let ingestion: IngestionService;
  let prisma: PrismaService;
  const pub = new FixtureServer();

  beforeAll(async () => {
    const base = await pub.start();
    pub.serve(
      '/korean/market.php',
      readFixture('sources', 'dailynk-ko', 'market-table.html'),
      200,
      { 'content-type': 'text/html; charset=utf-8' },
    );
    pub.serve(
      '/korean/2017/03/ete/5815',
      readFixture('sources', 'asiapress-ko', 'price-table.html'),
      200,
      { 'content-type': 'text/html; charset=utf-8' },
    );
    pub.serve(
      '/rimjin-gang/wp-json/wp/v2/posts',
      readFixture('sources', 'asiapress-en', 'posts.json'),
      200,
      { 'content-type': 'application/json' },
    );
    pub.serve(
      '/english/category/market-indicators/',
      readFixture('sources', 'dailynk-en', 'listing.html').replace(
        /https:\/\/www\.dailynk\.com/g,
        base,
      ),
      200,
      { 'content-type': 'text/html' },
    );
    pub.serve(
      '/english/rice-prices-edge-up-in-spring-markets/',
      readFixture('sources', 'dailynk-en', 'article-prose.html'),
      200,
      { 'content-type': 'text/html' },
    );
    pub.serve(
      '/english/dollar-steady-as-yuan-slips/',
      '<html><head><meta property="article:published_time" content="2021-03-20T00:00:00Z"></head><body><article><p>No prices in this one.</p></article></body></html>',
      200,
      { 'content-type': 'text/html' },
    );
    pub.serve(
      '/english/read.php',
      readFixture('sources', 'dailynk-en', 'article-table.html'),
      200,
      { 'content-type': 'text/html' },
    );
    db = await freshDatabase(kind, {
      DAILYNK_EN_URL: `${base}/english/category/market-indicators/`,
      ASIAPRESS_EN_URL: `${base}/rimjin-gang/wp-json/wp/v2/posts?per_page=20`,
      DAILYNK_KO_URL: `${base}/korean/market.php`,
      ASIAPRESS_KO_URL: `${base}/korean/2017/03/ete/5815`,
      LOAD_ARCHIVE_ON_EMPTY: 'false',
    });
    app = await createApp(db.config);
    ingestion = app.get(IngestionService);
    prisma = app.get(PrismaService);
  });
  afterAll(async () => {
    await app?.close();
    await pub.stop();
    await db?.cleanup();
  });

  it('stores the Korean legacy table with its weekly periods and counts the refused values', async () => {
    const run = await ingestion.run('dailynk-ko', 'cli');
    expect(run).toMatchObject({
      status: 'partial',
      rowsInserted: 18,
      rowsRejected: 8,
      rowsParsed: 18,
    });
    const o = await prisma.observation.findFirst({
      where: { sourceId: 'dailynk-ko', marketId: 'hyesan', commodityId: 'cny' },
    });
    expect(o).toMatchObject({
      value: 1320,
      rawValue: '혜산 1320원',
      parserVersion: 'dailynk-ko/1.0.0',
    });
    expect(o!.periodEnd!.toISOString().slice(0, 10)).toBe('2015-03-11');
    expect((await ingestion.run('dailynk-ko', 'cli')).rowsInserted).toBe(0);
  });

  it('stores the Asia Press table as a regional average', async () => {
    const run = await ingestion.run('asiapress-ko', 'cli');
    expect(run).toMatchObject({ rowsInserted: 16, rowsRejected: 7 });
    const rice = await request(app.getHttpServer())
      .get('/api/observations?source=asiapress-ko&commodity=rice')
      .expect(200);
    expect(rice.body.data).toEqual([
      expect.objectContaining({
        date: '2022-10-09',
        market: 'northern-border',
        value: 6100,
        flag: 'aggregated',
        unit: 'KPW/kg',
      }),
      expect.objectContaining({ date: '2022-10-16', market: 'northern-border', value: 6200 }),
    ]);
    const markets = await request(app.getHttpServer()).get('/api/markets').expect(200);
    expect(markets.body.find((m: { id: string }) => m.id === 'northern-border')).toMatchObject({
      kind: 'region',
      latitude: null,
    });
  });

  it('stores the Asia Press English chains with the post as the page of each value', async () => {
    const run = await ingestion.run('asiapress-en', 'cli');
    expect(run).toMatchObject({ status: 'partial', rowsInserted: 16, rowsRejected: 5 });
    const o = await prisma.observation.findFirst({
      where: {
        sourceId: 'asiapress-en',
        commodityId: 'usd',
        surveyDate: new Date('2022-12-19T00:00:00Z'),
      },
    });
    expect(o).toMatchObject({
      value: 8100,
      marketId: 'northern-border',
      sourceUrl: 'https://www.asiapress.org/rimjin-gang/2023/01/prices-new-year/',
    });
  });

  it('follows the English listing to its articles, prose and table alike', async () => {
    const run = await ingestion.run('dailynk-en', 'cli');
    expect(run).toMatchObject({ status: 'partial', rowsInserted: 13, rowsRejected: 2 });
    const fetches = await prisma.runFetch.findMany({
      where: { runId: run.id },
      orderBy: { id: 'asc' },
    });
    expect(fetches.map((f) => f.label)).toEqual([
      'listing',
      'article:/english/rice-prices-edge-up-in-spring-markets/',
      'article:/english/dollar-steady-as-yuan-slips/',
      'article:/english/read.php?num=9876&cataId=nk01500',
    ]);
    const prev = await prisma.observation.findFirst({
      where: { sourceId: 'dailynk-en', surveyDate: new Date('2021-02-28T00:00:00Z') },
    });
    expect(prev).toMatchObject({
      value: 6050,
      marketId: 'pyongyang',
      qualityNotes: 'previous survey value, at its own date',
    });
    expect(prev!.sourceUrl).toMatch(/\/english\/rice-prices-edge-up-in-spring-markets\/$/);
  });

  it('keeps the same market and date from two sources as two observations', async () => {
    const runId = (
      await prisma.ingestionRun.findFirstOrThrow({ where: { sourceId: 'dailynk-ko' } })
    ).id;
    await app.get(ObservationWriterService).write('dailynk-sheet', runId, [
      {
        marketId: 'pyongyang',
        commodityId: 'usd',
        surveyDate: '2015-03-05',
        value: 7910,
        unit: 'KPW/USD',
        currency: 'KPW',
        rawValue: '7,910',
        flag: 'observed',
        sourceUrl: 'test://sheet',
        fetchedAt: new Date(),
        parserVersion: 'test',
      },
    ]);
    const both = await prisma.observation.findMany({
      where: {
        marketId: 'pyongyang',
        commodityId: 'usd',
        surveyDate: new Date('2015-03-05T00:00:00Z'),
      },
      orderBy: { sourceId: 'asc' },
    });
    expect(both.map((b) => [b.sourceId, b.value])).toEqual([
      ['dailynk-ko', 7900],
      ['dailynk-sheet', 7910],
    ]);
    // the analysis takes the preferred source's value: the sheet
    const series = await app
      .get(PricesService)
      .series('usd', { markets: ['pyongyang'], from: '2015-03-05', to: '2015-03-05' });
    expect(series).toEqual([
      { date: '2015-03-05', market: 'pyongyang', value: 7910, source: 'dailynk-sheet' },
    ]);
  });

  it('fails a changed page layout, writes nothing, and shows the source as failing', async () => {
    const before = await prisma.observation.count();
    pub.serve(
      '/korean/market.php',
      '<html><body><h1>새 디자인</h1><div class="prices">준비 중</div></body></html>',
      200,
      { 'content-type': 'text/html' },
    );
    const run = await ingestion.run('dailynk-ko', 'cron');
    expect(run).toMatchObject({ status: 'failed', errorKind: 'layout_changed' });
    expect(await prisma.observation.count()).toBe(before);
    const sources = await request(app.getHttpServer()).get('/api/sources').expect(200);
    expect(sources.body.find((s: { id: string }) => s.id === 'dailynk-ko')).toMatchObject({
      status: 'failing',
      failingSince: run.startedAt,
    });
  });
});
