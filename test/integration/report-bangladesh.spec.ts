import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { PrismaService } from '../../src/database/prisma.service';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';

// The report on a real WFP country: WFP's own Bangladesh file (HDX layout, 23,966 rows, 76
// markets) and the World Bank's subscriptions for every country, both shipped in data/. What an
// economist reads must stay readable and honest at this size: hundreds of pairs are counted, never
// listed; national coverage is called a time trend before its size; nothing of North Korea.
const DATA = path.join(__dirname, '..', '..', 'data');

describe.each(TEST_DATABASES)('the report on real Bangladesh data on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  const auth = { authorization: 'Bearer secret-token' };

  beforeAll(async () => {
    db = await freshDatabase(kind, { ADMIN_TOKEN: 'secret-token' });
    app = await createApp(db.config);
    http = request(app.getHttpServer());
    const wfp = await http
      .post('/api/imports/wfp?fileName=wfp_food_prices_bgd.csv')
      .set(auth)
      .set('content-type', 'text/csv')
      .send(readFileSync(path.join(DATA, 'wfp', 'wfp_food_prices_bgd.csv')))
      .expect(200);
    expect(wfp.body.country).toBe('BGD');
    await http
      .post('/api/imports/subscriptions?fileName=API_IT.CEL.SETS.P2_DS2_en_csv_v2_4903391.csv')
      .set(auth)
      .set('content-type', 'text/csv')
      .send(readFileSync(path.join(DATA, 'wdi', 'API_IT.CEL.SETS.P2_DS2_en_csv_v2_4903391.csv')))
      .expect(200);
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  it('names what Bangladesh has when asked for a commodity it does not', async () => {
    const r = (await http.get('/api/analysis/convergence?country=BGD&commodity=rice').expect(200))
      .body;
    expect(r.summary).toHaveLength(1);
    expect(r.summary[0]).toMatch(
      /^No observations of rice in Bangladesh: there is nothing to test, so no statistic is reported\. Bangladesh's data have rice-coarse, .* \(commodity=rice-coarse\)\.$/,
    );
  });

  it('stores division averages as regions: listed as such, left out unless named', async () => {
    const markets = (await http.get('/api/markets?country=BGD').expect(200)).body as {
      id: string;
      name: string;
      kind: string;
    }[];
    const divisions = markets.filter((m) => / Division$/.test(m.name));
    expect(divisions.map((m) => m.name).sort()).toEqual([
      'Barisal Division',
      'Chittagong Division',
      'Dhaka Division',
      'Khulna Division',
      'Rajshahi Division',
      'Sylhet Division',
    ]);
    expect(divisions.every((m) => m.kind === 'region')).toBe(true);
    expect(markets.filter((m) => m.kind === 'city')).toHaveLength(markets.length - 6);
    // named, a division is analysed like any market
    const dhaka = divisions.find((m) => m.name === 'Dhaka Division')!.id;
    const withIt = await http
      .get(
        `/api/analysis/dispersion?country=BGD&commodity=rice-coarse&priceType=retail&markets=${dhaka},bgd-dhaka-dhaka-sadar`,
      )
      .expect(200);
    expect(withIt.body.markets).toEqual([dhaka, 'bgd-dhaka-dhaka-sadar'].sort());
  });

  it('marks an average stored as a city by an older import a region when the file comes again', async () => {
    const prisma = app.get(PrismaService);
    const where = { country: 'BGD', name: 'Dhaka Division' };
    await prisma.market.updateMany({ where, data: { kind: 'city' } });
    const again = await http
      .post('/api/imports/wfp?fileName=wfp_food_prices_bgd.csv')
      .set(auth)
      .set('content-type', 'text/csv')
      .send(readFileSync(path.join(DATA, 'wfp', 'wfp_food_prices_bgd.csv')))
      .expect(200);
    expect(again.body.run).toMatchObject({ rowsInserted: 0, rowsUnchanged: 23965 });
    expect((await prisma.market.findFirstOrThrow({ where })).kind).toBe('region');
  });

  it('refuses the placeholder date and skips nothing else silently', async () => {
    const runs = (await http.get('/api/ingestion/runs?source=wfp-hdx').expect(200)).body as {
      id: number;
    }[];
    const refused = (await http.get(`/api/ingestion/runs/${runs[0].id}/rejections`).expect(200))
      .body as { row: number; reason: string }[];
    expect(refused.filter((r) => /1900-08-15/.test(r.reason))).toEqual([
      {
        row: expect.any(Number),
        reason: 'date: 1900-08-15 is decades before any market price survey (a placeholder date?)',
      },
    ]);
  });

  it('writes a report of sentences, not lists, for 66 markets and their pairs', async () => {
    const r = (
      await http
        .get('/api/analysis/convergence?country=BGD&commodity=rice-coarse&priceType=retail')
        .expect(200)
    ).body;
    expect(r).toMatchObject({ country: 'BGD', currency: 'BDT', unitLabel: 'BDT/kg' });
    // 72 markets, of which 6 are division averages beside their district markets: stored as
    // regions, left out of the statistics
    expect(r.data.markets).toHaveLength(66);
    expect(r.data.markets.some((m: string) => m.endsWith('-division'))).toBe(false);
    const text = r.summary.join('\n');
    // at most 12 market names in a list, the rest counted
    expect(r.summary[0]).toMatch(
      /^The test uses 2323 price observations of rice-coarse \(BDT\/kg, retail\) in Bangladesh in 66 markets \(Bagerhat Sadar, .*, Cox`s Bazar Sadar and 54 more\) on 62 survey dates from 2020-05-15 to 2025-06-15/,
    );
    expect(r.summary[1]).toMatch(/^\d+ market pairs share at least one survey date/);
    // half-lives of over a thousand pairs: counted, by the same rules as the named sentence
    const lives = r.summary.find((s: string) => s.includes('pairs with enough common dates'));
    expect(lives).toMatch(
      /of \d+ pairs with enough common dates: \d+ halve in under one survey interval .*; for \d+ the data cannot reject a unit root in the gap/,
    );
    const pairs = (r.halfLives.periods as { pairs: { rho?: number }[] }[]).flatMap((p) => p.pairs);
    const estimated = pairs.filter((p) => p.rho !== undefined).length;
    expect(lives).toContain(`of ${estimated} pairs with enough common dates`);
    expect(lives).toContain(
      `(${pairs.length - estimated} pairs with too few observations left out)`,
    );
    // no sentence a referee would have to read as a table
    for (const s of r.summary) expect(s.length).toBeLessThan(1200);
    // national coverage with pair effects: called a time trend first, then its size
    const design = r.summary.findIndex((s: string) => s.startsWith('Design (national coverage'));
    expect(r.summary[design]).toMatch(/the coverage coefficient is a time trend/);
    expect(r.summary[design + 1]).toMatch(/^Its size: subscriptions went from/);
    // no dates with all 72 markets priced: said in a sentence
    expect(text).toMatch(/Beta-convergence is not estimated: /);
    expect(text).not.toMatch(/North Korea|KPW|dollar|border closure|sanctions/);
    // WDI's series ends in 2021: the dates after it carry the last value, and the caveats say so
    expect(r.caveats).toContain(
      'Subscriptions per 100 for Bangladesh are known up to 2021-12-31; the 42 survey dates after it carry that last value, so the national coefficient rests on the dates up to 2021-12-31.',
    );
  });
});
