import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { dispersionOf } from '../../src/analysis/cross-country/cross-country-panel';
import { createApp } from '../../src/app.factory';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';
import { readFixture } from '../helpers/markets';
import { validatorFor } from '../helpers/openapi-schema';
import { referenceValues } from '../helpers/reference-values';

// The cross-country test on real data: North Korea's shipped archive and subscriptions, WFP's
// Bangladesh file and the World Bank's subscriptions for every country, through the API.
const DATA = path.join(__dirname, '..', '..', 'data');

describe.each(TEST_DATABASES)('the cross-country test on real data on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  const auth = { authorization: 'Bearer secret-token' };
  type Answer = {
    panel: {
      countries: string[];
      series: { id: string; country: string; commodity: string; markets: number }[];
      rows: {
        series: number;
        country: string;
        month: string;
        d: number;
        markets: number;
        pairs: number;
        coverage: number;
      }[];
      leftOut: { country: string; series?: string; reason: string }[];
    };
    seriesLevel: { identified: boolean; estimate: number; clusters: number; se: number };
    perCountry: { country: string; estimate: number | null; pairs: number }[];
    pooled: { reml: { k: number } | null };
    report: { headline: string; sections: { title: string; sentences: string[] }[] };
    credits: { source: string; credit: string }[];
  };
  let answer: Answer;

  beforeAll(async () => {
    db = await freshDatabase(kind, { ADMIN_TOKEN: 'secret-token' });
    app = await createApp(db.config);
    http = request(app.getHttpServer());
    await http
      .post('/api/imports/wfp?fileName=wfp_food_prices_bgd.csv')
      .set(auth)
      .set('content-type', 'text/csv')
      .send(readFileSync(path.join(DATA, 'wfp', 'wfp_food_prices_bgd.csv')))
      .expect(200);
    await http
      .post('/api/imports/subscriptions?fileName=API_IT.CEL.SETS.P2_DS2_en_csv_v2_4903391.csv')
      .set(auth)
      .set('content-type', 'text/csv')
      .send(readFileSync(path.join(DATA, 'wdi', 'API_IT.CEL.SETS.P2_DS2_en_csv_v2_4903391.csv')))
      .expect(200);
    const res = await http.get('/api/analysis/cross-country?bootstrap=99').expect(200);
    answer = res.body as Answer;
  }, 240_000);
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  it('builds the panel from both countries, with the answer its schema describes', () => {
    const validate = validatorFor('get', '/api/analysis/cross-country', 200);
    expect(validate(answer) ? 'valid' : validate.errors?.slice(0, 3)).toBe('valid');
    expect(answer.panel.countries).toEqual(['BGD', 'PRK']);
    // North Korea's archive ships rice (3 markets) and no other food series
    const prk = answer.panel.series.filter((s) => s.country === 'PRK');
    expect(prk.map((s) => s.id)).toEqual(['PRK|rice|KPW/kg|retail|KPW']);
    expect(answer.panel.series.filter((s) => s.country === 'BGD').length).toBeGreaterThan(3);
    expect(answer.credits.map((c) => c.source).sort()).toEqual(
      expect.arrayContaining(['dailynk-sheet', 'wfp-hdx']),
    );
    // a series with too few long-observed markets is named with its reason
    expect(answer.panel.leftOut.some((l) => l.country === 'BGD' && l.series)).toBe(true);
  });

  it('computes a month’s D from the stored observations (monthly means of the survey dates)', async () => {
    const rice = answer.panel.series.findIndex((s) => s.country === 'PRK');
    const row = answer.panel.rows.find((r) => r.series === rice && r.month === '2012-06')!;
    const csv = (
      await http
        .get(
          '/api/observations?country=PRK&commodity=rice&source=dailynk-sheet&from=2012-06-01&to=2012-06-30&format=csv',
        )
        .expect(200)
    ).text;
    const obs = parse<Record<string, string>>(csv, { columns: true });
    const byMarket = new Map<string, number[]>();
    for (const o of obs)
      byMarket.set(o.market, [...(byMarket.get(o.market) ?? []), Number(o.value)]);
    // North Korean surveys have one or two dates a month: the month's price is their mean
    expect(Math.max(...[...byMarket.values()].map((v) => v.length))).toBeGreaterThanOrEqual(1);
    const means = [...byMarket.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length);
    expect(row.markets).toBe(means.length);
    expect(row.d).toBeCloseTo(dispersionOf(means, 'meanAbsLogDiff'), 12);
  });

  it('says why North Korea and Bangladesh cannot identify it: their markets share no month', () => {
    // Bangladesh's file has one city (Dhaka) before 2020 and North Korea's archive ends in 2019
    expect(answer.seriesLevel).toMatchObject({ identified: false, clusters: 2 });
    expect(answer.report.headline).toMatch(
      /^No cross-country estimate: no month has prices from 2 countries \(BGD 2020-\d\d to 2025-\d\d; PRK 2009-\d\d to 2019-\d\d\): the series and month effects absorb each country's coverage whole\./,
    );
    expect(answer.report.sections.map((s) => s.title)).toEqual([
      'Across countries',
      'Staggered adoption',
      'Within each country',
      'Caveats',
    ]);
    const staggered = answer.report.sections.find((s) => s.title === 'Staggered adoption')!;
    expect(staggered.sentences).toEqual([
      'Dating adoption at 10 subscriptions per 100: Bangladesh (BGD) in 2006-07, North Korea (PRK) in 2014-05.',
      'No event study: no event year keeps variation within the series and month effects.',
      "No Callaway-Sant'Anna estimate: no cohort has a comparison after its adoption.",
    ]);
    expect(answer.perCountry.map((c) => c.country)).toEqual(['BGD', 'PRK']);
    expect(answer.perCountry.every((c) => c.estimate !== null)).toBe(true);
    expect(answer.pooled.reml?.k).toBe(2);
    const within = answer.report.sections.find((s) => s.title === 'Within each country')!;
    expect(within.sentences[0]).toMatch(/identified by time alone: a trend in the gap/);
  });

  it('answers the panel as CSV: one row per (country, series, month) of the panel', async () => {
    const res = await http.get('/api/analysis/cross-country?format=csv&bootstrap=0').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse<Record<string, string>>(res.text, { columns: true });
    expect(Object.keys(rows[0])).toEqual([
      'country',
      'series',
      'commodity',
      'unit',
      'priceType',
      'currency',
      'month',
      'd',
      'markets',
      'pairs',
      'subscriptionsPer100',
      'credit',
    ]);
    expect(rows).toHaveLength(answer.panel.rows.length);
    expect(rows.find((r) => r.country === 'PRK')!.credit).toMatch(/Daily NK/);
    answer.panel.rows.forEach((r, i) => {
      expect(rows[i].series).toBe(answer.panel.series[r.series].id);
      expect(Number(rows[i].d)).toBe(r.d);
      expect(Number(rows[i].subscriptionsPer100)).toBe(r.coverage);
    });
  });

  it('with one country: no cross-country estimate, and why; the per-country part stays', async () => {
    const one = (
      await http.get('/api/analysis/cross-country?countries=PRK&bootstrap=0').expect(200)
    ).body as Answer;
    expect(one.seriesLevel).toMatchObject({ identified: false, clusters: 1 });
    expect(one.report.headline).toMatch(/^No cross-country estimate: the panel has 1 country/);
    expect(one.perCountry).toHaveLength(1);
    expect(one.pooled.reml).toBeNull();
  });

  it.each([
    ['countries=', 'countries: the list is empty'],
    ['countries=XYZ', 'countries: unknown id XYZ'],
    ['commodities=nonsense', 'commodities: "nonsense" is not a commodity id, name or group'],
    ['minMarkets=1', 'minMarkets must not be less than 2'],
    ['measure=sd', 'measure must be one of'],
    ['from=2020-01-01&to=2019-01-01', 'from: must not be after to'],
    ['countries=PRK&commodities=cereals', 'countries: PRK has no prices of cereals'],
  ])('refuses %s with a 400 naming the parameter', async (query, message) => {
    const res = await http.get(`/api/analysis/cross-country?${query}`).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail ?? res.body.message).toContain(message);
  });
});

// The R fixture's five countries (test/fixtures/analysis/cross-country, made by make_reference.R)
// imported as WFP HDX files and a long subscriptions file, under real country codes: the answer
// through the loader, the worker and the API equals R's.
const AS = { AAA: 'KEN', BBB: 'NIC', CCC: 'LBN', DDD: 'COL', EEE: 'NER', FFF: 'MLI' } as const;
const iso = (code: string) => AS[code as keyof typeof AS];

function hdxFiles(): Map<string, string> {
  const header =
    'date,admin1,admin2,market,market_id,latitude,longitude,category,commodity,commodity_id,unit,priceflag,pricetype,currency,price,usdprice';
  const files = new Map<string, string[]>();
  const rows = parse<Record<string, string>>(
    readFixture('analysis', 'cross-country', 'prices.csv'),
    { columns: true },
  );
  for (const r of rows) {
    const c = iso(r.country);
    const m = Number(r.market.split('-m')[1]);
    const code = 100 * Object.keys(AS).indexOf(r.country) + m;
    const commodity = r.commodity[0].toUpperCase() + r.commodity.slice(1);
    const line = [
      `${r.month}-15`,
      'Region',
      'District',
      `${c} Market ${m}`,
      code,
      '',
      '',
      'cereals and tubers',
      commodity,
      { rice: 1, maize: 2, beans: 3 }[r.commodity],
      'KG',
      'actual',
      'Retail',
      `${c.slice(0, 2)}C`,
      r.price,
      '',
    ].join(',');
    files.set(c, [...(files.get(c) ?? [header]), line]);
  }
  return new Map([...files].map(([c, lines]) => [c, lines.join('\n') + '\n']));
}

describe.each(TEST_DATABASES)(
  'the cross-country estimate through the API equals R’s on %s',
  (kind) => {
    let db: TestDb;
    let app: INestApplication;
    let http: ReturnType<typeof request>;
    const auth = { authorization: 'Bearer secret-token' };
    const { get: refValue, close } = referenceValues('analysis', 'cross-country', 'expected.csv');

    beforeAll(async () => {
      db = await freshDatabase(kind, { ADMIN_TOKEN: 'secret-token' });
      app = await createApp(db.config);
      http = request(app.getHttpServer());
      for (const [country, body] of hdxFiles())
        await http
          .post(`/api/imports/wfp?fileName=wfp_food_prices_${country.toLowerCase()}.csv`)
          .set(auth)
          .set('content-type', 'text/csv')
          .send(body)
          .expect(200);
      const subs = parse<Record<string, string>>(
        readFixture('analysis', 'cross-country', 'subscriptions.csv'),
        { columns: true },
      );
      await http
        .post('/api/imports/subscriptions?fileName=subscriptions.csv')
        .set(auth)
        .set('content-type', 'text/csv')
        .send(
          'country,year,value\n' +
            subs.map((s) => `${iso(s.country)},${s.date.slice(0, 4)},${s.value}`).join('\n'),
        )
        .expect(200);
    }, 240_000);
    afterAll(async () => {
      await app?.close();
      await db?.cleanup();
    });

    it('the series-level estimate, its bootstrap, the countries left out, each country and the pooling', async () => {
      const countries = Object.values(AS).join(',');
      const a = (
        await http
          .get(`/api/analysis/cross-country?countries=${countries}&bootstrap=9999&seed=7`)
          .expect(200)
      ).body as {
        panel: { rows: unknown[]; rowsWithoutCoverage: Record<string, number>; leftOut: object[] };
        seriesLevel: { estimate: number; se: number; p: number; bootstrap: { p: number } };
        leaveOneCountryOut: { country: string; estimate: number }[];
        perCountry: { country: string; estimate: number; se: number; pairs: number }[];
        pooled: { reml: { estimate: number; tau2: number; i2: number }; dl: { estimate: number } };
        report: { headline: string; sections: { title: string; sentences: string[] }[] };
      };
      expect(a.panel.rows).toHaveLength(refValue('panel.rows'));
      expect(a.panel.rowsWithoutCoverage).toEqual({
        NER: refValue('panel.rowsWithoutCoverage.EEE'),
      });
      expect(a.panel.leftOut).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ country: 'MLI' }),
          expect.objectContaining({ country: 'KEN', series: 'KEN|beans|KG|retail|KEC' }),
        ]),
      );
      close(a.seriesLevel.estimate, 'twfe.estimate', 1e-8);
      close(a.seriesLevel.se, 'twfe.se', 1e-8);
      close(a.seriesLevel.p, 'twfe.p', 1e-7);
      close(a.seriesLevel.bootstrap.p, 'twfe.bootstrap.p', 1e-12);
      expect(a.pairLevel.n).toBe(refValue('pairLevel.n'));
      close(a.pairLevel.estimate, 'pairLevel.estimate', 1e-8);
      close(a.pairLevel.se, 'pairLevel.se', 1e-8);
      close(a.pairLevel.bootstrap.p, 'pairLevel.bootstrap.p', 1e-12);
      for (const l of a.leaveOneCountryOut) {
        const code = Object.entries(AS).find(([, v]) => v === l.country)![0];
        close(l.estimate, `loo.${code}`, 1e-8);
      }
      for (const c of a.perCountry) {
        const code = Object.entries(AS).find(([, v]) => v === c.country)![0];
        close(c.estimate, `country.${code}.estimate`, 1e-8);
        close(c.se, `country.${code}.se`, 1e-8);
        expect(c.pairs).toBe(refValue(`country.${code}.pairs`));
      }
      close(a.pooled.reml.estimate, 'pooled.REML.estimate', 1e-6);
      close(a.pooled.reml.tau2, 'pooled.REML.tau2', 1e-5);
      close(a.pooled.dl.estimate, 'pooled.DL.estimate', 1e-6);
      // five clusters: the clustered t-test is shown and not read; the bootstrap's p is the one cited
      const across = a.report.sections.find((s) => s.title === 'Across countries')!.sentences;
      expect(across[1]).toMatch(/with 5 clusters .*: with fewer than 10 clusters it over-rejects/);
      expect(across[2]).toMatch(
        /^The wild cluster bootstrap by country \(Webb weights, all 7776 weight vectors, 5 clusters\) gives p = 0\.026: the coefficient is significant at the 5 % level/,
      );
      const drivers = a.report.sections.find((s) => s.title === 'Which countries drive it')!;
      expect(drivers.sentences[0]).toMatch(/^Leaving out one country at a time/);
    });
  },
);
