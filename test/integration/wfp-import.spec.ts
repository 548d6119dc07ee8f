import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { PrismaService } from '../../src/database/prisma.service';
import { ImportRunner } from '../../src/ingestion/import-runner.service';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';
import { fixture } from '../helpers/markets';

// Any country, as a new user would: a WFP/HDX food-price file (made up, in the real shape:
// test/fixtures/wfp/make-fixture.cjs) imported over the token-guarded endpoint, then its prices and
// statistics over HTTP, with every row accounted for.
const FILE = fixture('wfp', 'wfp_food_prices_col.csv');
const body = readFileSync(FILE);

describe.each(TEST_DATABASES)('a WFP food-price file on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  const auth = { authorization: 'Bearer secret-token' };

  beforeAll(async () => {
    db = await freshDatabase(kind, {
      ADMIN_TOKEN: 'secret-token',
      LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false',
    });
    app = await createApp(db.config);
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  const upload = (qs: string, data: Buffer | string = body) =>
    http.post(`/api/imports/wfp${qs}`).set(auth).set('content-type', 'text/csv').send(data);

  it('stores every valid row and refuses the rest with reasons: nothing lost, nothing merged', async () => {
    const res = await upload('?fileName=wfp_food_prices_col.csv').expect(200);
    // 198 data rows after the HXL tag row: 190 stored, 5 refused, 3 forecasts skipped (WFP's
    // projections are not observations)
    expect(res.body).toMatchObject({
      importer: 'wfp-hdx',
      country: 'COL',
      countries: { COL: 190 },
      rowsRead: 199,
      skipped: { 'hxl-tags': 1, forecast: 3 },
    });
    expect(res.body.run).toMatchObject({
      source: 'wfp-hdx',
      status: 'partial',
      rowsInserted: 190,
      rowsRejected: 5,
      rowsParsed: 190,
    });
    expect(res.body.rejections).toEqual([
      { row: 195, reason: 'date: "2020-02-30" is not a calendar date written YYYY-MM-DD' },
      { row: 196, reason: 'price: 0 is not positive' },
      { row: 197, reason: 'price: "n/a" is not a number' },
      { row: 198, reason: 'market: missing' },
      { row: 199, reason: 'commodity: missing' },
    ]);
    // and the run keeps them, for later
    const kept = await http.get(`/api/ingestion/runs/${res.body.run.id}/rejections`).expect(200);
    expect(kept.body).toEqual(res.body.rejections);
    await http.get('/api/ingestion/runs/99999/rejections').expect(404);
    const bad = await http.get('/api/ingestion/runs/abc/rejections').expect(400);
    expect(bad.body.message).toBe('id: a run id is a whole number');
    const prisma = app.get(PrismaService);
    // retail and wholesale of one market, commodity and date are two rows
    expect(
      await prisma.observation.count({
        where: {
          country: 'COL',
          commodityId: 'rice',
          marketId: 'col-antioquia-medellin',
          surveyDate: new Date('2020-01-15'),
        },
      }),
    ).toBe(2);
    const oil = await prisma.observation.findFirstOrThrow({ where: { commodityId: 'oil-palm' } });
    expect(oil).toMatchObject({
      unit: 'L',
      priceType: 'retail',
      currency: 'COP',
      priceFlag: 'aggregate',
      flag: 'aggregated',
    });
    expect(oil.usdValue).toBeGreaterThan(0);
  });

  it('re-importing inserts nothing; a changed price becomes a revision', async () => {
    const again = await upload('?country=col').expect(200);
    expect(again.body.run).toMatchObject({ rowsInserted: 0, rowsUpdated: 0, rowsUnchanged: 190 });
    const changed = body
      .toString()
      .replace(
        '2020-01-15,"Bogota, D.C.",Bogota,Bogota,100,4.6097,-74.0817,cereals and tubers,Rice,52,KG,actual,Retail,COP,2880.00',
        '2020-01-15,"Bogota, D.C.",Bogota,Bogota,100,4.6097,-74.0817,cereals and tubers,Rice,52,KG,actual,Retail,COP,2890.00',
      );
    const third = await upload('?country=COL', changed).expect(200);
    expect(third.body.run).toMatchObject({ rowsInserted: 0, rowsUpdated: 1, rowsUnchanged: 189 });
    const revisions = await app.get(PrismaService).observationRevision.findMany();
    expect(revisions.map((r) => [r.previousValue, r.newValue])).toEqual([[2880, 2890]]);
    // and back to the file as published (a second revision), for the statistics below
    const back = await upload('?country=COL').expect(200);
    expect(back.body.run).toMatchObject({ rowsUpdated: 1 });
  });

  it('refuses a file without a country, an unknown country code, and a request without the token', async () => {
    const none = await upload('').expect(400);
    expect(JSON.stringify(none.body.message)).toMatch(/country: name it with --country/);
    const bad = await upload('?country=XYZ').expect(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/country: XYZ is not an ISO 3166-1 alpha-3/);
    // the command line hands its --country to the service as typed: an alpha-2 code is refused
    // there too (i18n-iso-countries alone would take KE and store a country 'KE')
    await expect(
      app.get(ImportRunner).importPrices(Readable.from([body]), { country: 'ke', trigger: 'cli' }),
    ).rejects.toThrow('country: KE is not an ISO 3166-1 alpha-3 country code');
    await http
      .post('/api/imports/wfp?country=COL')
      .set('content-type', 'text/csv')
      .send(body)
      .expect(401);
  });

  it('lists the country, its markets and its commodity series', async () => {
    const countries = await http.get('/api/countries').expect(200);
    expect(countries.body.find((c: { iso3: string }) => c.iso3 === 'COL')).toEqual({
      iso3: 'COL',
      name: 'Colombia',
      observations: 190,
      markets: 3,
      commodities: 4, // rice, maize (white), palm oil, sugar (by the 500 G bag)
      from: '2020-01-15',
      to: '2021-12-15',
      subscriptionYears: 0, // imported further on
      events: { borderClosure: null, breakCandidates: [], breaks: [], placebo: null }, // none known for Colombia
    });
    const markets = await http.get('/api/markets?country=COL').expect(200);
    expect(markets.body.map((m: { id: string }) => m.id)).toEqual([
      'col-antioquia-medellin',
      'col-bogota-d-c-bogota',
      'col-valle-del-cauca-cali',
    ]);
    expect(markets.body[0]).toMatchObject({
      admin1: 'Antioquia',
      admin2: 'Medellin',
      latitude: 6.2518,
    });
    const commodities = await http.get('/api/commodities?country=COL').expect(200);
    const rice = commodities.body.find((c: { id: string }) => c.id === 'rice');
    expect(rice.series).toEqual([
      { unit: 'KG', priceType: 'wholesale', currency: 'COP', label: 'COP/kg', observations: 72 },
      { unit: 'KG', priceType: 'retail', currency: 'COP', label: 'COP/kg', observations: 69 },
    ]);
    // the country's own series set the defaults, not North Korea's (rice was KPW/kg there first)
    expect(rice).toMatchObject({ defaultUnit: 'KG', defaultCurrency: 'COP' });
    const prkRice = (await http.get('/api/commodities?country=PRK').expect(200)).body.find(
      (c: { id: string }) => c.id === 'rice',
    );
    expect(prkRice).toMatchObject({ defaultUnit: 'KPW/kg', defaultCurrency: 'KPW' });
    expect(commodities.body.find((c: { id: string }) => c.id === 'maize-white')).toMatchObject({
      name: 'Maize (white)',
      categoryRaw: 'cereals and tubers',
    });
  });

  it("answers the country's prices and statistics, one series at a time", async () => {
    const obs = await http
      .get(
        '/api/observations?country=COL&commodity=rice&priceType=retail&market=col-antioquia-medellin',
      )
      .expect(200);
    expect(obs.body.data).toHaveLength(23);
    const maize = await http
      .get('/api/observations?country=COL&commodity=maize-white&limit=1')
      .expect(200);
    // a 90 KG bag: the price per kg is served beside it, with the conversion
    expect(maize.body.data[0].unit).toBe('90 KG');
    expect(maize.body.data[0].perBaseUnit).toEqual({
      value: maize.body.data[0].value / 90,
      unit: 'kg',
      conversion: 'price / 90 (90 KG = 90 kg)',
    });
    expect(obs.body.data[0]).toMatchObject({
      country: 'COL',
      priceType: 'retail',
      unit: 'KG',
      currency: 'COP',
    });
    // two series of rice in COL: the analysis will not mix them, and says which there are
    const mixed = await http.get('/api/analysis/dispersion?commodity=rice&country=COL').expect(400);
    expect(mixed.body.message).toMatch(
      /priceType: rice has 2 series in COL and analysis never mixes them; choose one: unit=KG&priceType=wholesale \(72 observations\); unit=KG&priceType=retail \(69 observations\)/,
    );
    const disp = await http
      .get('/api/analysis/dispersion?commodity=rice&country=COL&priceType=retail')
      .expect(200);
    expect(disp.body.markets).toHaveLength(3);
    expect(disp.body.series).toHaveLength(23);
    expect(disp.body.series.every((d: { n: number }) => d.n === 3)).toBe(true);
    const lives = await http
      .get('/api/analysis/half-lives?commodity=rice&country=COL&priceType=retail')
      .expect(200);
    expect(lives.body.periods[0].pairs).toHaveLength(3);
    expect(lives.body.periods[0].pairs[0]).toHaveProperty('rho');
    // against base R on the same file (test/fixtures/analysis/wfp-col/make_reference.R), to 1e-6
    const ref = new Map(
      readFileSync(fixture('analysis', 'wfp-col', 'expected.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','))
        .map(([k, v]) => [k, Number(v)]),
    );
    const close = (actual: number, name: string) => {
      const want = ref.get(name);
      expect(want).toBeDefined();
      expect(Math.abs(actual - want!)).toBeLessThanOrEqual(1e-6 * Math.abs(want!));
    };
    for (const d of disp.body.series as { date: string; cv: number }[]) close(d.cv, `cv.${d.date}`);
    for (const p of lives.body.periods[0].pairs as {
      a: string;
      b: string;
      rho: number;
      rhoSe: number;
    }[]) {
      close(p.rho, `ar1.${p.a}|${p.b}.rho`);
      close(p.rhoSe, `ar1.${p.a}|${p.b}.rhoSe`);
    }
    const beta = await http
      .get('/api/analysis/beta?commodity=rice&country=COL&priceType=retail')
      .expect(200);
    close(beta.body.beta, 'beta.beta');
    close(beta.body.betaSe, 'beta.betaSe');
    // North Korea's border closure and national series are North Korea's
    const border = await http
      .get(
        '/api/analysis/pair-regression?commodity=rice&country=COL&priceType=retail&controls=border&coverage=towers',
      )
      .expect(400);
    expect(border.body.message).toMatch(
      /controls: border is a border-closure window, and none is known for COL/,
    );
    const national = await http
      .get('/api/analysis/pair-regression?commodity=rice&country=COL&priceType=retail')
      .expect(400);
    expect(national.body.message).toMatch(
      /coverage: no national mobile-subscription series is stored for COL/,
    );
    const report = await http
      .get('/api/analysis/convergence?commodity=rice&country=COL&priceType=retail&bootstrap=0')
      .expect(200);
    expect(report.body).toMatchObject({ country: 'COL', unit: 'KG', priceType: 'retail' });
    expect(report.body.data.markets).toHaveLength(3);
    expect(report.body.data.credits).toEqual([
      { source: 'wfp-hdx', credit: expect.stringMatching(/World Food Programme/) },
    ]);
    expect(report.body.summary.join('\n')).toMatch(
      /no mobile-subscription series is stored for Colombia/,
    );
    // import COL's subscriptions (World Bank WDI layout): national coverage now answers for COL
    const subs = await http
      .post('/api/imports/subscriptions?fileName=API_IT.CEL.SETS.P2_DS2_en_csv_v2_sample.csv')
      .set(auth)
      .set('content-type', 'text/csv')
      .send(readFileSync(fixture('wdi', 'API_IT.CEL.SETS.P2_DS2_en_csv_v2_sample.csv')))
      .expect(200);
    expect(subs.body).toMatchObject({
      shape: 'wdi',
      countries: 2,
      points: 35,
      inserted: 35,
      rejected: 2,
    });
    expect(subs.body.rejections.map((r: { reason: string }) => r.reason)).toEqual([
      'WLD is not an ISO 3166-1 alpha-3 country (an aggregate?)',
      expect.stringMatching(/^PRK 2019: North Korea's series ships with the project/),
    ]);
    const cov = await http
      .get('/api/coverage/national?country=COL&from=2020-12-31&to=2021-12-31&interval=year')
      .expect(200);
    // year-end values at 31 December, as North Korea's ITU series
    expect(cov.body.values).toEqual([
      { date: '2020-12-31', value: 97.5 },
      { date: '2021-12-31', value: 100 },
    ]);
    await http.get('/api/coverage/national?country=ZAF').expect(400);
    const reg = await http
      .get('/api/analysis/pair-regression?commodity=rice&country=COL&priceType=retail&bootstrap=0')
      .expect(200);
    expect(reg.body.result).toMatchObject({ n: 69, pairs: 3 });
    // no report profile for Colombia: no placebo series (never a silent one)
    expect(reg.body.placebo).toBeNull();
    // Colombia's own towers (OpenCelliD, MCC 732): Bogota covered before the data, Medellin from
    // July 2020, Cali from March 2021; coverage=towers then varies within the pairs
    const cells = [
      'radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal',
      'UMTS,732,101,1,1,0,-74.0800,4.6100,1000,5,1,1559347200,1700000000,0',
      'UMTS,732,101,2,2,0,-75.5640,6.2520,1000,5,1,1593561600,1700000000,0',
      'UMTS,732,101,3,3,0,-76.5220,3.4370,1000,5,1,1614556800,1700000000,0',
    ].join('\n');
    const towers = await http
      .post('/api/coverage/towers/import?format=opencellid&source=ocid-col')
      .set(auth)
      .set('content-type', 'text/csv')
      .send(cells)
      .expect(200);
    expect(towers.body).toMatchObject({ status: 'succeeded', inserted: 3, countries: { COL: 3 } });
    // a country's coverage names its own registries and markets, not every country's
    const colCoverage = await http.get('/api/coverage/markets?country=COL').expect(200);
    expect(colCoverage.body.towerSources).toEqual(['ocid-col']);
    expect(colCoverage.body.markets.map((m: { market: string }) => m.market).sort()).toEqual([
      'col-antioquia-medellin',
      'col-bogota-d-c-bogota',
      'col-valle-del-cauca-cali',
    ]);
    const prkCoverage = await http.get('/api/coverage/markets?country=PRK').expect(200);
    expect(prkCoverage.body.towerSources).not.toContain('ocid-col');
    expect(
      prkCoverage.body.markets.every((m: { market: string }) => !m.market.startsWith('col-')),
    ).toBe(true);
    const byTowers = await http
      .get(
        '/api/analysis/pair-regression?commodity=rice&country=COL&priceType=retail&coverage=towers&bootstrap=0',
      )
      .expect(200);
    expect(byTowers.body.towerSources).toEqual(['ocid-col']);
    expect(byTowers.body.result).toMatchObject({ n: 69, pairs: 3 });
    expect(byTowers.body.result.coefficients[0].name).toBe('coverage');
    // and North Korea's answers are as before
    const prk = await http.get('/api/analysis/dispersion?commodity=rice').expect(200);
    expect(prk.body.markets).toEqual(['hyesan', 'pyongyang', 'sinuiju']);
  });
});
