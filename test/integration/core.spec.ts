import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { PrismaService } from '../../src/database/prisma.service';
import { IngestionService } from '../../src/ingestion/ingestion.service';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';
import { FixtureServer } from '../helpers/http-fixture-server';
import { readFixture } from '../helpers/markets';

const archive = (tab: string) =>
  readFileSync(
    path.join(__dirname, '..', '..', 'data', 'archive', 'dailynk-sheet', `${tab}.csv`),
    'utf8',
  );
const expectedDispersion = JSON.parse(readFixture('analysis', 'dispersion', 'expected.json')) as {
  riceArchive: {
    series: { date: string; cv: number; sdLog: number; meanAbsLogDiff: number }[];
    byYear: { year: number; cv: number }[];
  };
};

describe.each(TEST_DATABASES)('working core on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let ingestion: IngestionService;
  let prisma: PrismaService;
  const publisher = new FixtureServer();

  beforeAll(async () => {
    const base = await publisher.start();
    publisher.serve('/sheet?rice', archive('rice'));
    publisher.serve('/sheet?rate', archive('rate'));
    db = await freshDatabase(kind, {
      DAILYNK_SHEET_URL: `${base}/sheet?tqx=out:csv&sheet={tab}`,
      ADMIN_TOKEN: 'secret-token',
    });
    app = await createApp(db.config);
    http = request(app.getHttpServer());
    ingestion = app.get(IngestionService);
    prisma = app.get(PrismaService);
  });

  afterAll(async () => {
    await app?.close();
    await publisher.stop();
    await db?.cleanup();
  });

  it('loads the shipped archive on first start and says which database it runs on', async () => {
    const res = await http.get('/api/health').expect(200);
    expect(res.body.database).toBe(kind);
    expect(res.body.counts).toMatchObject({
      observations: 981,
      markets: 19,
      commodities: 15, // 10, and the 5 grains NK Times reports (corn rice, corn flour, corn noodles, barley, red beans)
      sources: 7, // the 6 price sources and the sample towers' registry (towers:synthetic-sample)
      mobileSeriesPoints: 33,
    });
    expect(res.body.lastRuns['dailynk-sheet']).toMatchObject({
      trigger: 'startup',
      mode: 'archive',
      status: 'succeeded',
      rowsInserted: 981,
    });
    const oldWon = await prisma.observation.findFirst({
      where: {
        marketId: 'pyongyang',
        commodityId: 'rice',
        surveyDate: new Date('2009-08-15T00:00:00Z'),
      },
    });
    expect(oldWon).toMatchObject({
      value: 23,
      rawValue: '2,300',
      parserVersion: 'dailynk-sheet/1.0.0',
      flag: 'observed',
    });
    expect(oldWon!.fetchedAt.toISOString()).toBe('2019-12-22T00:00:00.000Z');
  });

  it('archives each fetched body once by its SHA-256', async () => {
    const snapshots = await prisma.rawSnapshot.count();
    expect(snapshots).toBe(2);
    const archiveRun = await prisma.ingestionRun.findFirstOrThrow({
      where: { sourceId: 'dailynk-sheet', mode: 'archive' },
    });
    const fetches = await prisma.runFetch.findMany({
      where: { runId: archiveRun.id },
      orderBy: { label: 'asc' },
    });
    expect(fetches.map((f) => f.label)).toEqual(['rate', 'rice']);
  });

  it('re-running an ingest inserts nothing', async () => {
    const run = await ingestion.run('dailynk-sheet', 'cli', 'archive');
    expect(run).toMatchObject({
      status: 'succeeded',
      rowsInserted: 0,
      rowsUpdated: 0,
      rowsUnchanged: 981,
      rowsRejected: 0,
    });
    expect(await prisma.observation.count()).toBe(981);
    expect(await prisma.rawSnapshot.count()).toBe(2);
  });

  it('fetches live, keeps a revised value as a revision and adds a new survey date', async () => {
    const revised =
      archive('rice').replace('"19-12-22","4,', '"19-12-22","9,') +
      '"19-12-29","4,300","4,350",""\n';
    const before = await prisma.observation.findFirst({
      where: {
        marketId: 'pyongyang',
        commodityId: 'rice',
        surveyDate: new Date('2019-12-22T00:00:00Z'),
      },
    });
    publisher.serve('/sheet?rice', revised);
    const run = await ingestion.run('dailynk-sheet', 'cli');
    expect(run).toMatchObject({
      status: 'succeeded',
      mode: 'live',
      rowsInserted: 2,
      rowsUpdated: 1,
      rowsUnchanged: 980,
    });
    const after = await prisma.observation.findFirst({
      where: {
        marketId: 'pyongyang',
        commodityId: 'rice',
        surveyDate: new Date('2019-12-22T00:00:00Z'),
      },
      include: { revisions: true },
    });
    expect(after!.value).toBe(9000 + (before!.value - 4000));
    expect(after!.revisions).toHaveLength(1);
    expect(after!.revisions[0]).toMatchObject({
      previousValue: before!.value,
      previousRawValue: before!.rawValue,
      newValue: after!.value,
      runId: run.id,
    });
    expect(after!.sourceUrl).toMatch(/\/sheet\?tqx=out:csv&sheet=rice$/);
  });

  it('fails a run on a changed header and writes nothing', async () => {
    const count = await prisma.observation.count();
    publisher.serve(
      '/sheet?rice',
      archive('rice').replace('"","평양","신의주","혜산"', '"","Pyongyang","Sinuiju","Hyesan"'),
    );
    const run = await ingestion.run('dailynk-sheet', 'cron');
    expect(run).toMatchObject({ status: 'failed', errorKind: 'layout_changed', rowsInserted: 0 });
    expect(run.errorMessage).toMatch(/lacks the city columns/);
    expect(await prisma.observation.count()).toBe(count);
    const sources = await http.get('/api/sources').expect(200);
    expect(sources.body.find((x: { id: string }) => x.id === 'dailynk-sheet')).toMatchObject({
      id: 'dailynk-sheet',
      status: 'failing',
      failingSince: run.startedAt,
    });
    // the failing body is archived for replay after a parser fix
    expect(await prisma.runFetch.count({ where: { runId: run.id } })).toBe(2);
  });

  it('records a failed fetch (HTTP 500 after retries, refused connection) and keeps serving', async () => {
    publisher.serve('/sheet?rice', 'oops', 500, {});
    const run = await ingestion.run('dailynk-sheet', 'cron');
    expect(run).toMatchObject({ status: 'failed', errorKind: 'http_status' });
    expect(publisher.hits.filter((h) => h.endsWith('sheet=rice')).length).toBeGreaterThanOrEqual(3);
    publisher.serve('/sheet?rice', archive('rice'));
    await http.get('/api/health').expect(200);
  });

  it('pages through observations with a cursor, one series after another, each by date, never skipping or repeating a row', async () => {
    const total = await prisma.observation.count({ where: { commodityId: 'rice' } });
    const seen = new Set<string>();
    const order: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await http
        .get('/api/observations')
        .query({ commodity: 'rice', limit: 100, ...(cursor ? { cursor } : {}) })
        .expect(200);
      for (const r of res.body.data as {
        date: string;
        market: string;
        source: string;
        priceType: string;
        unit: string;
        currency: string;
      }[]) {
        seen.add(`${r.date}|${r.market}|${r.source}`);
        order.push([r.market, r.source, r.priceType, r.unit, r.currency, r.date].join('\u0000'));
      }
      cursor = res.body.nextCursor as string | null;
      pages++;
    } while (cursor);
    expect(seen.size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 100));
    // the order of a panel: (market, source, price type, unit, currency, date) within the commodity
    expect(order).toEqual([...order].sort());
    expect(new Set(order.map((k) => k.split('\u0000')[0])).size).toBeGreaterThan(1);
  });

  it('filters observations and answers tidy rows', async () => {
    const res = await http
      .get('/api/observations?commodity=usd&market=sinuiju&from=2015-01-01&to=2015-12-31')
      .expect(200);
    expect(res.body.data.length).toBeGreaterThan(5);
    for (const r of res.body.data) {
      expect(r).toMatchObject({
        market: 'sinuiju',
        commodity: 'usd',
        unit: 'KPW/USD',
        currency: 'KPW',
        source: 'dailynk-sheet',
        flag: 'observed',
      });
      expect(r.date >= '2015-01-01' && r.date <= '2015-12-31').toBe(true);
    }
  });

  it('streams CSV with a header row, by format=csv or Accept: text/csv', async () => {
    const a = await http
      .get('/api/observations?format=csv&commodity=rice&market=hyesan')
      .expect(200);
    expect(a.headers['content-type']).toMatch(/text\/csv/);
    const lines = a.text.trim().split('\n');
    expect(lines[0]).toBe(
      'date,periodEnd,market,commodity,value,unit,currency,source,flag,country,priceType,usdValue,credit',
    );
    // every row carries its publisher's credit line
    const credit = (await prisma.source.findUniqueOrThrow({ where: { id: 'dailynk-sheet' } }))
      .credit;
    expect(credit).toMatch(/Daily NK/);
    expect(lines[1]).toBe(
      `2009-08-15,,hyesan,rice,23.5,KPW/kg,KPW,dailynk-sheet,observed,PRK,retail,,${credit.includes(',') ? `"${credit}"` : credit}`,
    );
    expect(lines).toHaveLength(
      1 + (await prisma.observation.count({ where: { commodityId: 'rice', marketId: 'hyesan' } })),
    );
    const b = await http
      .get('/api/observations?commodity=rice&limit=3')
      .set('accept', 'text/csv')
      .expect(200);
    expect(b.text.trim().split('\n')).toHaveLength(4);
    // q-values are honoured: CSV refused with q=0 means JSON, not CSV
    const c = await http
      .get('/api/observations?commodity=rice&limit=3')
      .set('accept', 'text/csv;q=0, application/json')
      .expect(200);
    expect(c.headers['content-type']).toMatch(/application\/json/);
    const d = await http
      .get('/api/observations?commodity=rice&limit=3')
      .set('accept', 'text/csv;q=0.5, application/json;q=0.1')
      .expect(200);
    expect(d.headers['content-type']).toMatch(/text\/csv/);
    const none = await http
      .get('/api/observations?commodity=rice&limit=3')
      .set('accept', 'text/csv;q=0')
      .expect(406);
    expect(none.body.message).toMatch(/^accept: /);
  });

  it.each([
    '/api/health?verbose=1',
    '/api/markets?x=1',
    '/api/commodities?x=1',
    '/api/sources?x=1',
    '/api/coverage/tower-imports?limit=5',
    '/api/coverage/markets/pyongyang/series?from=2010-01-01',
  ])('refuses unknown query parameters on %s with a 400 naming them', async (url) => {
    const res = await http.get(url).expect(400);
    expect(JSON.stringify(res.body.message)).toMatch(/property \w+ should not exist/);
  });

  it('answers every error as problem details naming each parameter at fault', async () => {
    // the validation pipe's several messages: one detail, one entry per parameter
    const two = await http.get('/api/observations?limit=0&verbose=1').expect(400);
    expect(two.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(two.body).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400 });
    expect(typeof two.body.detail).toBe('string');
    expect(two.body.message).toBe(two.body.detail);
    expect(two.body.errors.map((e: { parameter: string }) => e.parameter).sort()).toEqual([
      'limit',
      'verbose',
    ]);
    // a domain error below the api layer (the catalogue's unknown id): its parameter and kind
    const unknown = await http.get('/api/analysis/dispersion?commodity=nothing').expect(400);
    expect(unknown.body).toMatchObject({
      title: 'Bad Request',
      status: 400,
      errors: [{ parameter: 'commodity', message: expect.stringMatching(/^unknown id nothing/) }],
    });
    const route = await http.get('/api/no-such-thing').expect(404);
    expect(route.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(route.body).toMatchObject({ title: 'Not Found', status: 404, errors: [] });
    // the document says so for every operation
    const doc = (await http.get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    for (const [path, item] of Object.entries(doc.paths))
      for (const op of Object.values(item))
        expect([path, op.responses.default]).toEqual([
          path,
          expect.objectContaining({
            content: {
              'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } },
            },
          }),
        ]);
  });

  it("lists countries with their numbers, and a country's markets and commodity series", async () => {
    const countries = await http.get('/api/countries').expect(200);
    // earlier tests here add rows to the archive's 981: compare with the table itself
    const last = await prisma.observation.findFirst({ orderBy: { surveyDate: 'desc' } });
    expect(countries.body).toEqual([
      {
        iso3: 'PRK',
        name: "Korea (Democratic People's Republic of)",
        observations: await prisma.observation.count(),
        markets: 19,
        commodities: 2,
        from: '2009-08-15',
        to: last!.surveyDate.toISOString().slice(0, 10),
        subscriptionYears: 14, // ITU year-end values shipped (data/reference)
        events: {
          borderClosure: {
            from: '2020-01-22',
            to: '2023-08-31',
            name: 'the COVID-19 border closure',
          },
          breakCandidates: ['2013-05-01', '2020-01-22'],
          // with their reasons, and the report's placebo (data/reference/country-report-profiles.json)
          breaks: [
            { date: '2013-05-01', reason: expect.stringMatching(/subscriptions passed 2 million/) },
            { date: '2020-01-22', reason: 'the border closed (COVID-19)' },
          ],
          placebo: {
            commodity: 'usd',
            label: 'the dollar exchange rate',
            premise: 'a price that costs nothing to ship',
          },
        },
      },
    ]);
    const outline = await http.get('/api/countries/PRK/outline').expect(200);
    expect(outline.body.properties).toMatchObject({ iso3: 'PRK', name: 'North Korea' });
    expect(outline.body.geometry.type).toBe('MultiPolygon');
    await http.get('/api/countries/prk/outline').expect(400);
    await http.get('/api/countries/XXX/outline').expect(404);
    const markets = await http.get('/api/markets?country=prk').expect(200);
    expect(markets.body).toHaveLength(19);
    expect(markets.body.every((m: { country: string }) => m.country === 'PRK')).toBe(true);
    const commodities = await http.get('/api/commodities?country=PRK').expect(200);
    expect(commodities.body.map((c: { id: string }) => c.id)).toEqual(['rice', 'usd']);
    expect(commodities.body[0].series).toEqual([
      {
        unit: 'KPW/kg',
        priceType: 'retail',
        currency: 'KPW',
        label: 'KPW/kg',
        observations: await prisma.observation.count({ where: { commodityId: 'rice' } }),
      },
    ]);
    // without country: every commodity, as before
    expect((await http.get('/api/commodities').expect(200)).body.length).toBeGreaterThan(10);
  });

  it('refuses an unknown tower source instead of answering nothing', async () => {
    const res = await http.get('/api/coverage/towers?source=no-such-registry').expect(400);
    expect(res.body.message).toBe(
      'source: no tower source "no-such-registry" (loaded: synthetic-sample)',
    );
    const ok = await http.get('/api/coverage/towers?source=synthetic-sample').expect(200);
    expect(ok.body.features.length).toBe(71);
  });

  it.each([
    ['/api/observations?colour=red', /property colour should not exist/],
    ['/api/observations?from=2019-13-01', /from must be a calendar date/],
    ['/api/observations?to=yesterday', /to must be a calendar date/],
    ['/api/observations?commodity=caviar', /commodity: unknown id caviar/],
    ['/api/observations?market=atlantis', /market: unknown id atlantis/],
    ['/api/observations?limit=100000', /limit: at most 5000/],
    ['/api/observations?limit=-3', /limit must not be less than 1/],
    ['/api/observations?limit=abc', /limit must be a whole number/],
    ['/api/observations?cursor=garbage', /cursor: not a cursor/],
    // a well-formed cursor holding an impossible date (was a 500)
    [
      `/api/observations?cursor=${Buffer.from(JSON.stringify(['2019-02-30', 'pyongyang', 'rice', 'dailynk-sheet', 'retail', 'KPW/kg'])).toString('base64url')}`,
      /cursor: not a cursor/,
    ],
    [
      `/api/observations?cursor=${Buffer.from(JSON.stringify(['0000-00-00', 'pyongyang', 'rice', 'dailynk-sheet', 'retail', 'KPW/kg'])).toString('base64url')}`,
      /cursor: not a cursor/,
    ],
    ['/api/observations?country=XYZ', /country: unknown id XYZ/],
    ['/api/observations?country=korea', /country must be an ISO 3166-1 alpha-3 code/],
    ['/api/markets?country=ABC', /country: unknown id ABC/],
    [
      '/api/analysis/beta?commodity=rice&markets=pyongyang,pyongyang',
      /markets must not name a market twice/,
    ],
    ['/api/analysis/dispersion?commodity=rice&country=ZZZ', /country: unknown id ZZZ/],
    [
      '/api/analysis/dispersion?commodity=rice&unit=KG',
      /unit: rice in PRK has no series in "KG" \(series: unit=KPW\/kg&priceType=retail \(981|\d+ observations\)\)/,
    ],
    [
      '/api/analysis/trend?commodity=rice&priceType=wholesale',
      /priceType: rice in PRK has no wholesale series/,
    ],
    ['/api/observations?from=2019-01-01&to=2018-01-01', /from: must not be after to/],
    ['/api/observations?format=xml', /format must be one of/],
    ['/api/analysis/dispersion', /commodity must be a commodity id/],
    [
      '/api/analysis/dispersion?commodity=rice&markets=pyongyang',
      /markets must name at least two markets/,
    ],
    [
      '/api/analysis/dispersion?commodity=rice&markets=pyongyang,narnia',
      /markets: unknown id narnia/,
    ],
    ['/api/analysis/dispersion?commodity=rice&balanced=maybe', /balanced must be true or false/],
    ['/api/ingestion/runs?source=nope', /source: unknown id nope/],
    ['/api/ingestion/runs?limit=0', /limit must not be less than 1/],
  ])('answers %s with a 400 that names the parameter', async (url, message) => {
    const res = await http.get(url).expect(400);
    expect(JSON.stringify(res.body.message)).toMatch(message);
  });

  it('computes dispersion that matches the independent reference', async () => {
    const res = await http
      .get('/api/analysis/dispersion?commodity=rice&to=2019-12-22&source=dailynk-sheet')
      .expect(200);
    // the live run above revised 2019-12-22 in Pyongyang: compare every other date with the archive reference
    const ref = expectedDispersion.riceArchive.series.filter((d) => d.date !== '2019-12-22');
    const got = new Map(
      (
        res.body.series as { date: string; cv: number; sdLog: number; meanAbsLogDiff: number }[]
      ).map((d) => [d.date, d]),
    );
    expect(got.size).toBe(164);
    for (const d of ref) {
      expect(got.get(d.date)!.cv).toBeCloseTo(d.cv, 12);
      expect(got.get(d.date)!.sdLog).toBeCloseTo(d.sdLog, 12);
      expect(got.get(d.date)!.meanAbsLogDiff).toBeCloseTo(d.meanAbsLogDiff, 12);
    }
    const y2012 = (res.body.byYear as { year: number; cv: number }[]).find((y) => y.year === 2012)!;
    expect(y2012.cv).toBeCloseTo(
      expectedDispersion.riceArchive.byYear.find((y) => y.year === 2012)!.cv,
      12,
    );
    expect(res.body).toMatchObject({
      commodity: 'rice',
      markets: ['hyesan', 'pyongyang', 'sinuiju'],
      sources: ['dailynk-sheet'],
    });
  });

  it('never answers dispersion from a stale cache after a value is revised', async () => {
    const url = '/api/analysis/dispersion?commodity=rice&from=2019-12-01&markets=pyongyang,sinuiju';
    const before = await http.get(url).expect(200);
    expect((await http.get(url).expect(200)).body).toEqual(before.body);
    publisher.serve('/sheet?rice', archive('rice').replace('"19-12-22","4,', '"19-12-22","7,'));
    const run = await ingestion.run('dailynk-sheet', 'cli');
    expect(run.rowsUpdated).toBe(1);
    const after = await http.get(url).expect(200);
    const last = (r: { body: { series: { date: string; mean: number }[] } }) =>
      r.body.series.find((d) => d.date === '2019-12-22')!;
    expect(last(after).mean).not.toBe(last(before).mean);
    publisher.serve('/sheet?rice', archive('rice'));
  });

  it('lists the run ledger newest first', async () => {
    const res = await http.get('/api/ingestion/runs?source=dailynk-sheet').expect(200);
    const ids = (res.body as { id: number }[]).map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(res.body[res.body.length - 1]).toMatchObject({
      trigger: 'startup',
      status: 'succeeded',
    });
  });

  it('starts a run over the API only with the token', async () => {
    await http.post('/api/ingestion/runs').send({ source: 'dailynk-sheet' }).expect(401);
    await http
      .post('/api/ingestion/runs')
      .set('authorization', 'Bearer wrong')
      .send({ source: 'dailynk-sheet' })
      .expect(403); // a token was given but is not valid: 403; none at all: 401
    const bad = await http
      .post('/api/ingestion/runs')
      .set('authorization', 'Bearer secret-token')
      .send({ source: 'nope' })
      .expect(400);
    expect(bad.body.message).toMatch(/source: unknown source "nope"/);
    const ok = await http
      .post('/api/ingestion/runs')
      .set('authorization', 'Bearer secret-token')
      .send({ source: 'dailynk-sheet', mode: 'archive' })
      .expect(201);
    expect(ok.body).toMatchObject({ trigger: 'api', mode: 'archive', status: 'succeeded' });
  });

  it('serves markets, commodities and the OpenAPI document', async () => {
    const markets = await http.get('/api/markets').expect(200);
    expect(markets.body.find((m: { id: string }) => m.id === 'hyesan')).toMatchObject({
      nameKo: '혜산',
      province: 'Ryanggang',
      kind: 'city',
      latitude: 41.4017,
    });
    const commodities = await http.get('/api/commodities').expect(200);
    expect(commodities.body.find((c: { id: string }) => c.id === 'usd')).toMatchObject({
      category: 'currency',
      defaultUnit: 'KPW/USD',
    });
    const doc = await http.get('/api/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/health',
        '/api/markets',
        '/api/commodities',
        '/api/sources',
        '/api/observations',
        '/api/analysis/dispersion',
        '/api/ingestion/runs',
      ]),
    );
    expect(doc.body.paths['/api/analysis/dispersion'].get.description).toMatch(
      /population standard deviation/,
    );
  });
});
