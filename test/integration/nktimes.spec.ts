import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { IngestionService } from '../../src/ingestion/ingestion.service';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';
import { FixtureServer } from '../helpers/http-fixture-server';
import { readFixture } from '../helpers/markets';

// NK Times through the real fetch, parse and store path (listing, then articles, served locally),
// beside the shipped 2009-2019 archive: the convergence report gains four cities and names the
// pairs each source fed.
describe.each(TEST_DATABASES)('NK Times end to end on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  const pub = new FixtureServer();

  beforeAll(async () => {
    const base = await pub.start();
    const html = { 'content-type': 'text/html; charset=utf-8' };
    pub.serve(
      '/en/category/economy/',
      readFixture('sources', 'nktimes-en', 'listing.html').replace(/https:\/\/nktimes\.kr/g, base),
      200,
      html,
    );
    for (const [path, file] of [
      ['/en/economy/grain-prices-fall-in-april/', 'article-april.html'],
      ['/en/economy/year-end-grain-prices/', 'article-year-end.html'],
      ['/en/economy/rice-in-six-cities/', 'article-six-cities.html'],
      ['/en/politics/party-meeting/', 'article-no-prices.html'],
    ])
      pub.serve(path, readFixture('sources', 'nktimes-en', file), 200, html);
    db = await freshDatabase(kind, {
      NKTIMES_EN_URL: `${base}/en/category/economy/`,
      LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false',
    });
    app = await createApp(db.config);
  });
  afterAll(async () => {
    await app?.close();
    await pub.stop();
    await db?.cleanup();
  });

  it('stores every city value of the articles, and nothing twice on a re-run', async () => {
    const ingestion = app.get(IngestionService);
    const run = await ingestion.run('nktimes-en', 'cli');
    // 9 + 4 + 6 observations; 5 + 2 rejected values (averages, "from" values, no city, respectively)
    expect(run).toMatchObject({ status: 'partial', rowsInserted: 19, rowsRejected: 7 });
    expect(pub.hits.filter((h) => h.startsWith('/en/'))).toHaveLength(5);
    const again = await ingestion.run('nktimes-en', 'cli');
    expect(again).toMatchObject({ rowsInserted: 0, rowsUnchanged: 19 });
  });

  it('the report names the six NK Times cities and their fifteen pairs, and which source fed which pairs', async () => {
    const http = request(app.getHttpServer());
    const res = await http.get('/api/analysis/convergence?commodity=rice&bootstrap=0').expect(200);
    const six = ['chongjin', 'hamhung', 'hyesan', 'pyongsong', 'pyongyang', 'sariwon'];
    expect(res.body.data.markets).toEqual([...six, 'sinuiju'].sort());
    expect(res.body.data.sources).toEqual(['dailynk-sheet', 'nktimes-en']);
    // each source's credit travels with the report
    expect(res.body.data.credits.map((c: { source: string }) => c.source)).toEqual([
      'dailynk-sheet',
      'nktimes-en',
    ]);
    expect(res.body.data.credits[1].credit).toMatch(/NK Times/);
    const pairs = res.body.data.pairs as {
      pair: string;
      a: string;
      b: string;
      sources: Record<string, number>;
    }[];
    const fedByNkTimes = pairs.filter((p) => p.sources['nktimes-en']).map((p) => p.pair);
    expect(fedByNkTimes).toHaveLength(15);
    for (const p of pairs.filter((x) => x.sources['nktimes-en']))
      for (const m of [p.a, p.b]) expect(six).toContain(m);
    // the archive's three pairs; sinuiju shares no date with the new cities
    expect(pairs.filter((p) => p.sources['dailynk-sheet']).map((p) => p.pair)).toEqual([
      'hyesan-pyongyang',
      'hyesan-sinuiju',
      'pyongyang-sinuiju',
    ]);
    expect(pairs).toHaveLength(17);
    const summary = res.body.summary.join('\n');
    expect(summary).toMatch(/17 market pairs share at least one survey date/);
    expect(summary).toMatch(
      /nktimes-en: 15 pairs among 6 markets \(Chongjin, Hamhung, Hyesan, Pyongsong, Pyongyang, Sariwon\)/,
    );
    expect(summary).toMatch(/dailynk-sheet: 3 pairs among 3 markets/);
  });

  it('the source filter still applies: source=nktimes-en alone has the six cities', async () => {
    const http = request(app.getHttpServer());
    const res = await http
      .get('/api/analysis/dispersion?commodity=rice&source=nktimes-en')
      .expect(200);
    expect(res.body.markets).toEqual([
      'chongjin',
      'hamhung',
      'hyesan',
      'pyongsong',
      'pyongyang',
      'sariwon',
    ]);
    // 2024-04-28 (5 cities), 2024-05-30 (6), 2024-12-27 (2)
    expect(res.body.series.map((d: { date: string; n: number }) => [d.date, d.n])).toEqual([
      ['2024-04-28', 5],
      ['2024-05-30', 6],
      ['2024-12-27', 2],
    ]);
  });
});
