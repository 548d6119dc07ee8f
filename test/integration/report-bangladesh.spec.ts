import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
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

  it('writes a report of sentences, not lists, for 72 markets and 2,264 pairs', async () => {
    const r = (
      await http
        .get('/api/analysis/convergence?country=BGD&commodity=rice-coarse&priceType=retail')
        .expect(200)
    ).body;
    expect(r).toMatchObject({ country: 'BGD', currency: 'BDT', unitLabel: 'BDT/kg' });
    expect(r.data.markets).toHaveLength(72);
    const text = r.summary.join('\n');
    // at most 12 market names in a list, the rest counted
    expect(r.summary[0]).toMatch(
      /in 72 markets \(Bagerhat Sadar, .*, Chuadanga Sadar and 60 more\)/,
    );
    expect(r.summary[1]).toMatch(/^2264 market pairs share at least one survey date/);
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
  });
});
