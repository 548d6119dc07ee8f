import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';

// The whole report for a country that is not North Korea, as an economist would read it: a
// made-up WFP/HDX file in the real shape (hyphenated market ids, two markets of one name in two
// provinces, two commodities, no report profile: no events, no placebo), with a national
// subscription series imported in the long layout.
const MARKETS = [
  { admin1: 'Rift Valley', admin2: 'Uasin Gishu', market: 'Eldoret Town', lat: 0.514, lon: 35.27 },
  { admin1: 'Nairobi', admin2: 'Nairobi', market: 'Nairobi', lat: -1.286, lon: 36.817 },
  { admin1: 'Coast', admin2: 'Mombasa', market: 'Mombasa', lat: -4.043, lon: 39.668 },
  { admin1: 'Nyanza', admin2: 'Kisumu', market: 'Kisumu', lat: -0.091, lon: 34.768 },
  { admin1: 'Western', admin2: 'Busia', market: 'Kisumu', lat: 0.46, lon: 34.11 },
];

// Deterministic prices: a common trend, market levels, and gaps that narrow over time.
function wfpFile(): string {
  const lines = [
    'date,admin1,admin2,market,market_id,latitude,longitude,category,commodity,commodity_id,unit,priceflag,pricetype,currency,price,usdprice',
    '#date,#adm1+name,#adm2+name,#loc+market+name,#loc+market+code,#geo+lat,#geo+lon,#item+type,#item+name,#item+code,#item+unit,#item+price+flag,#item+price+type,#currency+code,#value,#value+usd',
  ];
  let seed = 7;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.04;
  for (let t = 0; t < 48; t++) {
    const date = `${2018 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-15`;
    MARKETS.forEach((m, i) => {
      for (const [name, id, base] of [
        ['Maize (white)', 51, 40],
        ['Beans (dry)', 52, 90],
      ] as const) {
        const spread = (i - 2) * 0.06 * (1 - t / 60);
        const price = base * Math.exp(0.004 * t + spread + noise());
        lines.push(
          `${date},${m.admin1},${m.admin2},${m.market},${100 + i},${m.lat},${m.lon},cereals and tubers,${name},${id},KG,actual,Retail,KES,${price.toFixed(2)},${(price / 110).toFixed(4)}`,
        );
      }
    });
  }
  return lines.join('\n') + '\n';
}

const SUBSCRIPTIONS =
  'country,year,value\nKEN,2017,85.6\nKEN,2018,96.3\nKEN,2019,103.8\nKEN,2020,114.2\nKEN,2021,119.9\n';

describe.each(TEST_DATABASES)('the convergence report for a WFP country on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  const auth = { authorization: 'Bearer secret-token' };
  let maize: string;

  beforeAll(async () => {
    db = await freshDatabase(kind, {
      ADMIN_TOKEN: 'secret-token',
      LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false',
    });
    app = await createApp(db.config);
    http = request(app.getHttpServer());
    await http
      .post('/api/imports/wfp?fileName=wfp_food_prices_ken.csv')
      .set(auth)
      .set('content-type', 'text/csv')
      .send(wfpFile())
      .expect(200);
    await http
      .post('/api/imports/subscriptions?fileName=ken-subscriptions.csv')
      .set(auth)
      .set('content-type', 'text/csv')
      .send(SUBSCRIPTIONS)
      .expect(200);
    const commodities = await http.get('/api/commodities?country=KEN').expect(200);
    maize = (commodities.body as { id: string; name: string }[]).find((c) =>
      /maize/i.test(c.name),
    )!.id;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  const report = (qs: string) =>
    http.get(`/api/analysis/convergence?commodity=${maize}&country=KEN&bootstrap=99${qs}`);

  it('names markets by their names (admin1 where two share one), never by pieces of their ids', async () => {
    const r = (await report('').expect(200)).body;
    expect(r.data.markets).toHaveLength(5);
    expect(r.data.markets.some((m: string) => m.includes('-'))).toBe(true); // ids stay in the JSON
    expect(r.summary[0]).toMatch(
      /in 5 markets \(Eldoret Town, Kisumu \(Nyanza\), Kisumu \(Western\), Mombasa, Nairobi\)/,
    );
    expect(r.summary.join('\n')).not.toMatch(/\bken\b|gishu|\bs\b,/);
    expect(r.summary[1]).toMatch(/^10 market pairs share at least one survey date/);
  });

  it('gives the dashboard the same names, and the series its currency', async () => {
    const r = (await report('').expect(200)).body;
    const markets = (await http.get('/api/markets?country=KEN').expect(200)).body as {
      id: string;
      displayName: string;
    }[];
    // the market list's display names are the report's, market for market
    expect(Object.fromEntries(markets.map((m) => [m.id, m.displayName]))).toEqual(
      r.data.marketNames,
    );
    expect(markets.map((m) => m.displayName).sort()).toEqual([
      'Eldoret Town',
      'Kisumu (Nyanza)',
      'Kisumu (Western)',
      'Mombasa',
      'Nairobi',
    ]);
    const commodity = (await http.get('/api/commodities?country=KEN').expect(200)).body.find(
      (c: { id: string }) => c.id === maize,
    );
    expect(commodity).toMatchObject({
      defaultUnit: 'KG',
      defaultCurrency: 'KES',
      series: [{ unit: 'KG', priceType: 'retail', currency: 'KES', label: 'KES/kg' }],
    });
  });

  it("carries the series' currency and says nothing of North Korea", async () => {
    const r = (await report('').expect(200)).body;
    expect(r).toMatchObject({
      country: 'KEN',
      currency: 'KES',
      unitLabel: 'KES/kg',
      placeboSeries: null,
    });
    const text = [...r.summary, ...r.caveats, r.settings].join('\n');
    expect(text).not.toMatch(/currency reform|sanctions|North Korea|dollar|USD|KPW|border closure/);
    expect(r.summary.join('\n')).toMatch(
      /No report profile is known for Kenya .*no placebo series, no event window and no candidate break dates/,
    );
  });

  it('says first that national coverage with pair effects is a time trend, and gives its size', async () => {
    const r = (await report('').expect(200)).body;
    const s = r.summary.join('\n');
    expect(s).toMatch(
      /Design \(national coverage, pair fixed effects\).*is a time trend in the price gaps/,
    );
    expect(s).toMatch(/subscriptions went from \d+\.\d to \d+\.\d per 100 over the sample/);
    expect(s).toMatch(/beside a mean gap of 0\.\d{4}/);
    // 10 pairs: the clustered p is unreliable; only the bootstrap decides
    expect(s).toMatch(
      /clustered p [=<] [\d.]+ \(unreliable with 10 clusters\)\): by the wild cluster bootstrap/,
    );
    expect(r.testsReported).toBeGreaterThan(0);
    expect(s).toMatch(new RegExp(`This summary shows ${r.testsReported} tests`));
  });

  it('answers a period (from, to) and an empty selection in one sentence', async () => {
    const r = (await report('&from=2020-01-01').expect(200)).body;
    expect(r.data.from).toBe('2020-01-15');
    expect(r.period).toEqual({ from: '2020-01-01', to: null });
    const empty = (await report('&from=2030-01-01').expect(200)).body;
    expect(empty.summary).toEqual([
      `No observations of ${maize} (KES/kg, retail) in Kenya, 2030-01-01 to the end: there is nothing to test, so no statistic is reported.`,
    ]);
    expect(empty.caveats).toEqual([]);
  });
});
