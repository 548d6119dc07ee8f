import { readFileSync } from 'node:fs';
import { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';
import { fixture } from '../helpers/markets';

// What economists pull: every row as NDJSON, one series as a wide table, each with the credit line;
// and what dashboards poll: ETags that turn an unchanged answer into a bodyless 304.
describe.each(TEST_DATABASES)('exports and caching on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    db = await freshDatabase(kind, { ADMIN_TOKEN: 'export-token' });
    app = await createApp(db.config);
    http = request(app.getHttpServer());
    await http
      .post('/api/imports/wfp?fileName=wfp_food_prices_col.csv')
      .set('authorization', 'Bearer export-token')
      .set('content-type', 'text/csv')
      .send(readFileSync(fixture('wfp', 'wfp_food_prices_col.csv')))
      .expect(200);
  });
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  it('streams every matching row as NDJSON, each with its credit, the same rows as the CSV', async () => {
    const nd = await http
      .get('/api/observations?commodity=rice&format=ndjson')
      .buffer(true)
      .parse((res, cb) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => cb(null, text));
      })
      .expect(200);
    expect(nd.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = (nd.body as string).trim().split('\n');
    const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const csv = await http.get('/api/observations?commodity=rice&format=csv').expect(200);
    const csvRows = parse<Record<string, string>>(csv.text, { columns: true });
    expect(rows).toHaveLength(csvRows.length);
    expect(rows).toHaveLength(492); // rice in the archive: 3 markets, 164 dates
    expect(rows[0]).toMatchObject({
      date: csvRows[0].date,
      market: csvRows[0].market,
      value: Number(csvRows[0].value),
      source: 'dailynk-sheet',
    });
    expect(rows.every((r) => typeof r.credit === 'string' && /Daily NK/.test(r.credit))).toBe(true);
    // Accept selects it too
    const viaAccept = await http
      .get('/api/observations?commodity=usd&limit=3')
      .set('accept', 'application/x-ndjson');
    expect(viaAccept.headers['content-type']).toMatch(/^application\/x-ndjson/);
  });

  it('writes one series as dates by markets, values where observed, the credit on every row', async () => {
    const res = await http.get('/api/observations/wide?commodity=rice').expect(200);
    expect(res.headers['content-disposition']).toMatch(/prk-rice-wide\.csv/);
    const table = parse<Record<string, string>>(res.text, { columns: true });
    expect(Object.keys(table[0])).toEqual(['date', 'hyesan', 'pyongyang', 'sinuiju', 'credit']);
    expect(table).toHaveLength(164);
    const page = await http
      .get('/api/observations?commodity=rice&market=pyongyang&limit=1')
      .expect(200);
    const first = page.body.data[0] as { date: string; value: number };
    expect(Number(table.find((r) => r.date === first.date)!.pyongyang)).toBe(first.value);
    expect(table.every((r) => /Daily NK/.test(r.credit))).toBe(true);
    // dates are in order and unique
    const dates = table.map((r) => r.date);
    expect(dates).toEqual([...new Set(dates)].sort());
  });

  it('asks which series when a commodity has several, and credits WFP for a WFP country', async () => {
    const several = await http.get('/api/observations/wide?commodity=rice&country=COL').expect(400);
    expect(several.body.message).toMatch(/unit=KG&priceType=retail/);
    expect(several.body.message).toMatch(/priceType=wholesale/);
    const res = await http
      .get('/api/observations/wide?commodity=rice&country=COL&unit=KG&priceType=retail')
      .expect(200);
    const table = parse<Record<string, string>>(res.text, { columns: true });
    expect(table.length).toBeGreaterThan(10);
    expect(table[0].credit).toMatch(/World Food Programme|WFP/);
    await http.get('/api/observations/wide?commodity=nope').expect(400);
    await http
      .get('/api/observations/wide?commodity=rice&from=2019-01-01&to=2018-01-01')
      .expect(400);
  });

  it('answers an unchanged read with 304 and no body, and a changed one with 200', async () => {
    const first = await http.get('/api/analysis/dispersion?commodity=rice').expect(200);
    expect(first.headers['cache-control']).toBe('no-cache');
    const etag = first.headers.etag;
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await http
      .get('/api/analysis/dispersion?commodity=rice')
      .set('if-none-match', etag)
      .expect(304);
    expect(again.text ?? '').toBe('');
    const other = await http
      .get('/api/analysis/dispersion?commodity=usd')
      .set('if-none-match', etag)
      .expect(200);
    expect(other.headers.etag).not.toBe(etag);
    const health = await http.get('/api/health').expect(200);
    expect(health.headers['cache-control']).toBe('no-store');
  });

  it('says when each source is scheduled and whether it is stale', async () => {
    const sources = (await http.get('/api/sources').expect(200)).body as {
      id: string;
      schedule: string | null;
      stale: boolean;
      lastSuccessAt: string | null;
    }[];
    const sheet = sources.find((s) => s.id === 'dailynk-sheet')!;
    expect(sheet.schedule).toMatch(/^[\d*/, -]+$/);
    expect(sheet.lastSuccessAt).not.toBeNull();
    expect(sheet.stale).toBe(false); // the archive was loaded just now
    // a file import has no schedule and is never stale
    const wfp = sources.find((s) => s.id === 'wfp-hdx')!;
    expect(wfp).toMatchObject({ schedule: null, stale: false });
    // never run: not stale (nothing was expected of it yet)
    expect(sources.find((s) => s.id === 'asiapress-en')).toMatchObject({ stale: false });
  });

  it('keeps the full counts of countries and sources until a run or an import changes the data', async () => {
    const countries = async () =>
      (await http.get('/api/countries').expect(200)).body as {
        iso3: string;
        observations: number;
        subscriptionYears: number;
      }[];
    const wfpCount = async () =>
      (
        (await http.get('/api/sources').expect(200)).body as { id: string; observations: number }[]
      ).find((s) => s.id === 'wfp-hdx')!.observations;
    const before = await countries();
    const wfpBefore = await wfpCount();
    expect(before.find((c) => c.iso3 === 'KEN')).toBeUndefined();
    const file = [
      'date,admin1,admin2,market,latitude,longitude,category,commodity,unit,priceflag,pricetype,currency,price,usdprice',
      '2024-01-15,Nairobi,Nairobi,Kibera,-1.31,36.79,cereals and tubers,Maize (white),KG,actual,Retail,KES,55.5,0.35',
      '2024-02-15,Nairobi,Nairobi,Kibera,-1.31,36.79,cereals and tubers,Maize (white),KG,actual,Retail,KES,57.0,0.36',
    ].join('\n');
    await http
      .post('/api/imports/wfp?fileName=wfp_food_prices_ken.csv')
      .set('authorization', 'Bearer export-token')
      .set('content-type', 'text/csv')
      .send(file)
      .expect(200);
    expect((await countries()).find((c) => c.iso3 === 'KEN')).toMatchObject({ observations: 2 });
    expect(await wfpCount()).toBe(wfpBefore + 2);
  });

  it('writes the report on named markets only, its USD placebo on the same markets', async () => {
    const res = await http
      .get('/api/analysis/convergence?commodity=rice&markets=pyongyang,sinuiju&bootstrap=99')
      .expect(200);
    expect(res.body.data.markets).toEqual(['pyongyang', 'sinuiju']);
    // one pair: too few for the pair regression (two at least), here and in the placebo
    expect(res.body.pairRegression.national.result).toMatchObject({
      insufficientData: true,
      observations: 1,
      required: 2,
    });
    expect(res.body.pairRegression.placebo.national.result).toMatchObject({
      insufficientData: true,
    });
    expect(res.body.network.edges.map((e: { a: string; b: string }) => [e.a, e.b])).toEqual([
      ['pyongyang', 'sinuiju'],
    ]);
  });
});
