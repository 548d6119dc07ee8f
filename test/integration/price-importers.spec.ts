import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { PrismaService } from '../../src/database/prisma.service';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';
import { fixture } from '../helpers/markets';

// Every price-file layout through the one importer contract: WFP's HDX file, WFP's VAM global
// file (every country in one file, the country from adm0_name), any HXL-tagged file read by its
// tags, and any long table read with a column map. Made-up files in the real shapes, with the
// traps SOURCES.md section 6 lists.
const DATA = path.join(__dirname, '..', '..', 'data');

describe.each(TEST_DATABASES)('price files in every layout on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let prisma: PrismaService;
  const auth = { authorization: 'Bearer secret-token' };
  const send = (path: string, file: string) =>
    http.post(path).set(auth).set('content-type', 'text/csv').send(readFileSync(file));

  beforeAll(async () => {
    db = await freshDatabase(kind, {
      ADMIN_TOKEN: 'secret-token',
      LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false',
    });
    app = await createApp(db.config);
    http = request(app.getHttpServer());
    prisma = app.get(PrismaService);
    // Colombia's HDX file first: the VAM file below repeats three of its prices
    await send(
      '/api/imports/wfp?fileName=wfp_food_prices_col.csv',
      fixture('wfp', 'wfp_food_prices_col.csv'),
    ).expect(200);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  it('reads the VAM global file: every country from its name, the same price once', async () => {
    const before = await prisma.observation.count();
    // recognised from its header through the old endpoint, as scripts call it
    const res = await send(
      '/api/imports/wfp?fileName=wfp_vam_global_sample.csv',
      fixture('imports', 'wfp_vam_global_sample.csv'),
    ).expect(200);
    expect(res.body).toMatchObject({
      importer: 'wfp-vam',
      countries: { COL: 3, KEN: 4, LBN: 1, IRN: 1 },
      rowsRead: 12,
      averageMarketRows: 1,
    });
    // the three Colombian prices are HDX's: unchanged, not new rows, Bogota's included although
    // the VAM file spells it "Bogotá" in "Bogota D.C." (WFP's market id 100 keys it)
    expect(res.body.run).toMatchObject({
      source: 'wfp-hdx',
      status: 'partial',
      rowsInserted: 6,
      rowsUnchanged: 3,
      rowsRejected: 3,
    });
    expect(await prisma.observation.count()).toBe(before + 6);
    expect(await prisma.market.count({ where: { name: 'Bogotá' } })).toBe(0);
    expect(
      await prisma.market.findUniqueOrThrow({ where: { id: 'col-bogota-d-c-bogota' } }),
    ).toMatchObject({ externalId: 'wfp-hdx:100' });
    expect(res.body.rejections).toEqual([
      {
        row: 9,
        reason:
          'the line is one quoted field: a spreadsheet program wrapped the whole line in quotes (save the file again as plain CSV)',
      },
      {
        row: 11,
        reason:
          'adm0_name: "Atlantis" is not in data/reference/wfp-country-names.csv (add its ISO 3166-1 alpha-3 code there)',
      },
      { row: 12, reason: 'mp_month: "13" is not a month 1 to 12' },
    ]);
    // the month's 15th, the commodity without its price type, the country from the name
    const mombasa = await prisma.observation.findFirstOrThrow({
      where: { marketId: 'ken-coast-mombasa' },
    });
    expect(mombasa).toMatchObject({
      country: 'KEN',
      commodityId: 'maize-white',
      priceType: 'retail',
      unit: 'KG',
      currency: 'KES',
      value: 44.25,
      parserVersion: 'wfp-vam/1.0.0',
    });
    expect(mombasa.surveyDate.toISOString().slice(0, 10)).toBe('2019-03-15');
    expect(await prisma.observation.count({ where: { country: 'IRN', commodityId: 'rice' } })).toBe(
      1,
    );
    // an average of other markets is stored as a region: statistics leave it out
    const average = await prisma.market.findFirstOrThrow({ where: { name: 'National Average' } });
    expect(average).toMatchObject({ country: 'KEN', kind: 'region' });
    // importing the file again inserts nothing
    const again = await send(
      '/api/imports/wfp-vam?fileName=wfp_vam_global_sample.csv',
      fixture('imports', 'wfp_vam_global_sample.csv'),
    ).expect(200);
    expect(again.body.run).toMatchObject({ rowsInserted: 0, rowsUnchanged: 9 });
  });

  it('keeps one market and commodity priced in two currencies as two series', async () => {
    // a made-up file in Nicaragua's real shape: NIO and USD rows for the same market, commodity,
    // unit and date (SOURCES.md section 6), which before the currency joined the key were one row
    const file = fixture('imports', 'wfp_food_prices_nic_two_currencies.csv');
    const res = await send('/api/imports/wfp?fileName=wfp_food_prices_nic.csv', file).expect(200);
    expect(res.body.run).toMatchObject({ rowsInserted: 18, rowsUpdated: 0, rowsRejected: 0 });
    expect(await prisma.observationRevision.count()).toBe(0);
    const again = await send('/api/imports/wfp?fileName=wfp_food_prices_nic.csv', file).expect(200);
    expect(again.body.run).toMatchObject({ rowsInserted: 0, rowsUpdated: 0, rowsUnchanged: 18 });
    const beans = (await http.get('/api/commodities?country=NIC').expect(200)).body.find(
      (c: { id: string }) => c.id === 'beans-red',
    );
    expect(beans.series.map((s: { currency: string; label: string }) => s.label).sort()).toEqual([
      'NIO/kg',
      'USD/kg',
    ]);
    // analysis never mixes them: without a currency a 400 lists both, with one it reads that one
    const mixed = await http
      .get('/api/analysis/dispersion?country=NIC&commodity=beans-red')
      .expect(400);
    expect(mixed.body.detail).toContain('currency: beans-red has 2 series in NIC');
    expect(mixed.body.detail).toContain('currency=NIO');
    expect(mixed.body.detail).toContain('currency=USD');
    const usd = await http
      .get('/api/analysis/dispersion?country=NIC&commodity=beans-red&currency=USD')
      .expect(200);
    expect(usd.body.series[0]).toMatchObject({ date: '2023-01-15', n: 3 });
    expect(usd.body.series[0].mean).toBeCloseTo((30 + 31.5 + 33) / 3 / 36.5, 4);
    const page = await http
      .get('/api/observations?country=NIC&commodity=beans-red&currency=NIO&limit=4')
      .expect(200);
    expect(page.body.data.every((r: { currency: string }) => r.currency === 'NIO')).toBe(true);
    // the cursor carries the currency: the next page continues, neither repeating nor skipping
    const rest = await http
      .get(
        `/api/observations?country=NIC&commodity=beans-red&limit=100&cursor=${page.body.nextCursor}&currency=NIO`,
      )
      .expect(200);
    expect(page.body.data.length + rest.body.data.length).toBe(9);
  });

  it('reads an HXL-tagged file by its tags, whatever its column names and order', async () => {
    const res = await send(
      '/api/imports/wfp?fileName=renamed_hxl_prices.csv',
      fixture('imports', 'renamed_hxl_prices.csv'),
    ).expect(200);
    expect(res.body).toMatchObject({
      importer: 'hxl',
      countries: { COL: 2, KEN: 1 },
      rowsRead: 7,
      skipped: { 'hxl-tags': 1, forecast: 1 },
    });
    expect(res.body.run).toMatchObject({ source: 'hxl', rowsInserted: 3, rowsRejected: 2 });
    expect(res.body.rejections.map((r: { reason: string }) => r.reason)).toEqual([
      '#country+code: "XX" is not an ISO 3166-1 alpha-3 country code',
      'price: -3 is not positive',
    ]);
    const bogota = await prisma.observation.findFirstOrThrow({
      where: { sourceId: 'hxl', marketId: 'col-bogota-d-c-bogota' },
      orderBy: { surveyDate: 'asc' },
    });
    expect(bogota).toMatchObject({ commodityId: 'rice', value: 3100.5, currency: 'COP' });
  });

  it('reads any long table with a column map', async () => {
    const map = encodeURIComponent(
      'date=Survey day,market=Town,admin1=Region,commodity=Product,unit=Measure,price=Price per unit,currency=Money',
    );
    const res = await send(
      `/api/imports/price-table?country=KEN&fileName=market_survey_table.csv&map=${map}`,
      fixture('imports', 'market_survey_table.csv'),
    ).expect(200);
    expect(res.body).toMatchObject({ importer: 'price-table', countries: { KEN: 2 } });
    expect(res.body.run).toMatchObject({ source: 'price-table', rowsInserted: 2, rowsRejected: 1 });
    expect(res.body.rejections).toEqual([{ row: 4, reason: 'price: "n/a" is not a number' }]);
    const beans = await prisma.observation.findFirstOrThrow({
      where: { sourceId: 'price-table' },
      orderBy: { surveyDate: 'asc' },
    });
    expect(beans).toMatchObject({
      marketId: 'ken-nyanza-kisumu',
      commodityId: 'beans-dry',
      value: 120.5,
    });
    // a map naming a column the file lacks is refused before anything is read
    const bad = await send(
      `/api/imports/price-table?country=KEN&map=${encodeURIComponent('date=When,market=Town,commodity=Product,unit=Measure,price=Price per unit')}`,
      fixture('imports', 'market_survey_table.csv'),
    ).expect(400);
    expect(bad.body.detail).toMatch(/^map: the file has no column "When" \(for date\)/);
  });

  it('keeps the old value as a revision when a newer WDI release changes a past year', async () => {
    const newer = readFileSync(
      path.join(DATA, 'wdi', 'API_IT.CEL.SETS.P2_DS2_en_csv_v2_4903391.csv'),
      'utf8',
    );
    // the release before: Niger 2008 was 12.44 (the 2023 release says 12.27826846)
    const older = newer.replace('"6.041130838","12.27826846"', '"6.041130838","12.44"');
    expect(older).not.toBe(newer);
    const post = (text: string) =>
      http
        .post('/api/imports/subscriptions?fileName=API_IT.CEL.SETS.P2_DS2_en_csv_v2.csv')
        .set(auth)
        .set('content-type', 'text/csv')
        .send(text)
        .expect(200);
    const first = await post(older);
    expect(first.body).toMatchObject({ shape: 'wdi', updated: 0 });
    const points = await prisma.mobileSeriesPoint.count();
    const second = await post(newer);
    expect(second.body).toMatchObject({ inserted: 0, updated: 1 });
    expect(await prisma.mobileSeriesPoint.count()).toBe(points); // never a duplicate
    const niger = await prisma.mobileSeriesPoint.findFirstOrThrow({
      where: { country: 'NER', date: new Date('2008-12-31') },
      include: { revisions: true },
    });
    expect(niger.value).toBe(12.27826846);
    expect(niger.revisions).toMatchObject([{ previousValue: 12.44, newValue: 12.27826846 }]);
    // the same release again changes nothing
    expect((await post(newer)).body).toMatchObject({ inserted: 0, updated: 0 });
    expect(await prisma.mobileSeriesRevision.count()).toBe(1);
  });

  it('lists the importers when no layout matches, and refuses an unknown importer', async () => {
    const none = await http
      .post('/api/imports/wfp?country=KEN')
      .set(auth)
      .set('content-type', 'text/csv')
      .send('a,b,c\n1,2,3\n')
      .expect(400);
    expect(none.body.detail).toMatch(
      /^importer: the file's header \(a,b,c\) matches no importer; name one \(import <importer> <file>, POST \/api\/imports\/\{importer\}\) of: wfp-hdx \(.*\); wfp-vam \(.*\); hxl \(.*\); price-table \(.*\); towers \(OpenCelliD .*\); subscriptions \(the WDI download .*\)$/,
    );
    const unknown = await http
      .post('/api/imports/nope')
      .set(auth)
      .set('content-type', 'text/csv')
      .send('a\n')
      .expect(404);
    expect(unknown.body.detail).toBe(
      'importer: no importer "nope" (importers: wfp-hdx, wfp-vam, hxl, price-table, towers, subscriptions, and wfp for any WFP layout)',
    );
  });
});
