import { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';
import { readFixture } from '../helpers/markets';
import { validatorFor } from '../helpers/openapi-schema';
import { referenceValues } from '../helpers/reference-values';

// Price alerts through the API on both databases: North Korea's shipped rice survey and the R
// fixture's made-up WFP-shaped series imported as an HDX file, each equal to R
// (test/fixtures/analysis/alerts/make_reference.R): to 1e-8 (the pure functions match it to 1e-9;
// here the monthly means are summed in the app, in another order than R's mean).
const { close } = referenceValues('analysis', 'alerts', 'expected.csv');

function hdxFile(): string {
  const rows = parse<Record<string, string>>(readFixture('analysis', 'alerts', 'prices.csv'), {
    columns: true,
  })
    // nojan (no January at all) is the pure functions' case of lm's reference month
    .filter((r) => !r.market.startsWith('prk-') && r.market !== 'nojan');
  const code = { spike: 1, gappy: 2, short: 3 } as Record<string, number>;
  return [
    'date,admin1,admin2,market,market_id,latitude,longitude,category,commodity,commodity_id,unit,priceflag,pricetype,currency,price,usdprice',
    ...rows.map(
      (r) =>
        `${r.month}-15,Coast,Mombasa,${r.market},${code[r.market]},,,cereals and tubers,Maize,2,KG,actual,Retail,KES,${r.price},`,
    ),
  ].join('\n');
}

describe.each(TEST_DATABASES)('price alerts on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    db = await freshDatabase(kind, { ADMIN_TOKEN: 'secret-token' });
    app = await createApp(db.config);
    http = request(app.getHttpServer());
    await http
      .post('/api/imports/wfp?fileName=wfp_food_prices_ken.csv')
      .set('authorization', 'Bearer secret-token')
      .set('content-type', 'text/csv')
      .send(hdxFile())
      .expect(200);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  it('judges North Korea’s rice markets as R does, sorted by severity', async () => {
    const a = (await http.get('/api/analysis/alerts?commodity=rice').expect(200)).body;
    const validate = validatorFor('get', '/api/analysis/alerts', 200);
    expect(validate(a) ? 'valid' : validate.errors?.slice(0, 3)).toBe('valid');
    expect(a).toMatchObject({ country: 'PRK', unit: 'KPW/kg', currency: 'KPW', asOf: '2019-12' });
    expect(a.markets.map((m: { market: string }) => m.market).sort()).toEqual([
      'hyesan',
      'pyongyang',
      'sinuiju',
    ]);
    for (const m of a.markets) {
      expect(m.eligibility.eligible).toBe(true);
      close(m.alps.value, `prk-${m.market}.alps`, 1e-8, 1);
      close(m.alps.sigma, `prk-${m.market}.sigma`, 1e-8);
      close(m.ifpa.value, `prk-${m.market}.ifpa`, 1e-8, 1);
    }
    const values = a.markets.map((m: { alps: { value: number } }) => m.alps.value);
    expect(values).toEqual([...values].sort((x, y) => y - x));
  });

  it('recomputes as of an earlier month', async () => {
    const a = (await http.get('/api/analysis/alerts?commodity=rice&asOf=2013-05').expect(200)).body;
    const hyesan = a.markets.find((m: { market: string }) => m.market === 'hyesan');
    expect(hyesan.monthAssessed).toBe('2013-05');
    close(hyesan.alps.value, 'prk-hyesan.asOf.alps', 1e-8, 1);
    expect(hyesan.ifpa).toBeNull();
    expect(hyesan.ifpaReason).toMatch(/^no price 3 or 12 months before 2013-05/);
  });

  it('finds the planted spike in a WFP file, and says why a short series is not judged', async () => {
    const a = (await http.get('/api/analysis/alerts?country=KEN&commodity=maize').expect(200)).body;
    expect(a.markets.map((m: { name: string }) => m.name)).toEqual(['spike', 'gappy', 'short']);
    const [spike, gappy, short] = a.markets;
    expect(spike.alps.class).toBe('crisis');
    close(spike.alps.value, 'spike.alps', 1e-8, 1);
    // gappy's last value is 2020-08, over 6 months before the series' last month: not judged now
    expect(gappy).toMatchObject({
      alps: null,
      eligibility: {
        eligible: false,
        reason: 'no value in the 6 months to 2021-12 (the last is 2020-08)',
      },
    });
    // and judged as of its own last month, as R judged it
    const then = (
      await http.get('/api/analysis/alerts?country=KEN&commodity=maize&asOf=2020-08').expect(200)
    ).body.markets.find((m: { name: string }) => m.name === 'gappy');
    close(then.alps.value, 'gappy.alps', 1e-8, 1);
    close(then.ifpa.value, 'gappy.ifpa', 1e-8, 1);
    expect(short).toMatchObject({
      alps: null,
      eligibility: { eligible: false, spanMonths: 30 },
    });
    const csv = (
      await http.get('/api/analysis/alerts?country=KEN&commodity=maize&format=csv').expect(200)
    ).text;
    const rows = parse<Record<string, string>>(csv, { columns: true });
    expect(rows.map((r) => [r.market, r.alpsClass, r.eligible])).toEqual([
      [spike.market, 'crisis', 'true'],
      [gappy.market, '', 'false'],
      [short.market, '', 'false'],
    ]);
    expect(rows[0].credit).toMatch(/World Food Programme/);
    const nd = (
      await http.get('/api/analysis/alerts?country=KEN&commodity=maize&format=ndjson').expect(200)
    ).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { alps: number | null });
    expect(nd[0].alps).toBe(spike.alps.value);
  });

  it('draws a market’s history with the trend and bands of the fit', async () => {
    const h = (
      await http.get('/api/analysis/alerts/history?commodity=rice&market=hyesan').expect(200)
    ).body;
    const validate = validatorFor('get', '/api/analysis/alerts/history', 200);
    expect(validate(h) ? 'valid' : validate.errors?.slice(0, 3)).toBe('valid');
    close(h.sigma, 'prk-hyesan.sigma', 1e-8);
    const last = h.months[h.months.length - 1];
    expect(last.month).toBe('2019-12');
    close(last.trend, 'prk-hyesan.trend', 1e-8);
    close(last.alps, 'prk-hyesan.alps', 1e-8, 1);
    expect(last.bands.crisis - last.trend).toBeCloseTo(2 * h.sigma, 9);
  });

  it('counts each series’ markets by class', async () => {
    const s = (await http.get('/api/analysis/alerts/summary?country=KEN').expect(200)).body;
    expect(s.series).toEqual([
      expect.objectContaining({ commodity: 'maize', markets: 3, monitored: 1, crisis: 1 }),
    ]);
  });

  it.each([
    ['/api/analysis/alerts?commodity=rice&asOf=2019-13', 400, 'asOf must be a month'],
    ['/api/analysis/alerts?commodity=nonsense', 400, 'commodity: unknown id nonsense'],
    ['/api/analysis/alerts/history?commodity=rice', 400, 'market must be a market id'],
    ['/api/analysis/alerts/history?commodity=rice&market=nowhere', 400, 'market: unknown id'],
    ['/api/analysis/alerts/summary?country=XYZ', 400, 'country: unknown id XYZ'],
  ])('refuses %s', async (url, status, message) => {
    const res = await http.get(url).expect(status);
    expect(res.body.detail).toContain(message);
  });
});
