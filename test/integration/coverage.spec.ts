import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { AreaShareService } from '../../src/coverage/area-share.service';
import { TowerImportService } from '../../src/coverage/tower-import.service';
import { PrismaService } from '../../src/database/prisma.service';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';
import { readFixture } from '../helpers/markets';

const auth = { authorization: 'Bearer tower-token' };

describe.each(TEST_DATABASES)('mobile coverage on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let prisma: PrismaService;
  let imports: TowerImportService;

  beforeAll(async () => {
    db = await freshDatabase(kind, {
      ADMIN_TOKEN: 'tower-token',
      LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false',
      LOAD_ARCHIVE_ON_EMPTY: 'false',
    });
    app = await createApp(db.config);
    http = request(app.getHttpServer());
    prisma = app.get(PrismaService);
    imports = app.get(TowerImportService);
  });
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  it('serves the national series interpolated on a grid, with every dated source value', async () => {
    const res = await http
      .get('/api/coverage/national?from=2008-06-30&to=2019-12-31&interval=year')
      .expect(200);
    const at = (d: string) =>
      (res.body.values as { date: string; value: number | null }[]).find((v) => v.date === d)!
        .value;
    expect(at('2008-12-31')).toBe(0);
    expect(at('2013-12-31')).toBe(9.554);
    expect(at('2018-12-31')).toBeCloseTo(14.76 + (365 / 730) * (16.33 - 14.76), 10);
    expect(res.body.values).toHaveLength(12);
    expect(res.body.method).toMatch(/December 31/);
    const m = (
      res.body.sourceValues as { series: string; date: string; sourceUrl: string | null }[]
    ).find((v) => v.series === 'subscribers' && v.date === '2013-05-01');
    expect(m).toMatchObject({ sourceUrl: 'https://www.dailynewsegypt.com/2013/05/01/' });
    const early = await http
      .get('/api/coverage/national?from=2008-01-01&to=2008-03-31&interval=month')
      .expect(200);
    expect(early.body.values).toEqual([
      { date: '2008-01-31', value: null },
      { date: '2008-02-29', value: null },
      { date: '2008-03-31', value: null },
    ]);
  });

  it('imports a survey CSV in one transaction, with a reason for each refused row, and re-imports as unchanged', async () => {
    const first = await imports.import(
      readFixture('towers', 'imagery-survey.csv'),
      'csv',
      'imagery-test',
      'imagery-survey.csv',
    );
    expect(first).toMatchObject({
      status: 'partial',
      rowsRead: 8,
      inserted: 3,
      updated: 0,
      merged: 1,
      rejected: 4,
    });
    expect(first.rejections.map((r) => r.row)).toEqual([3, 5, 6, 7, 8]);
    const again = await imports.import(
      readFixture('towers', 'imagery-survey.csv'),
      'csv',
      'imagery-test',
    );
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    const changed = readFixture('towers', 'imagery-survey.csv').replace(
      'img-003,40.1006,124.3981,2010-06-15',
      'img-003,40.1006,124.3981,2010-05-01',
    );
    expect(await imports.import(changed, 'csv', 'imagery-test')).toMatchObject({
      inserted: 0,
      updated: 1,
      unchanged: 2,
    });
    expect(await prisma.tower.count({ where: { source: 'imagery-test' } })).toBe(3);
  });

  it('writes nothing when the file is unreadable or the database refuses a row mid-import', async () => {
    const before = await prisma.tower.count();
    const bad = await imports.import('id,x,y\n1,2,3\n', 'csv', 'broken');
    expect(bad).toMatchObject({ status: 'failed', inserted: 0 });
    expect(bad.errorMessage).toMatch(/lacks the column/);
    // a trigger makes the database refuse one row after others were written in the same transaction
    await prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_boom() RETURNS trigger AS $$
      BEGIN IF NEW.external_id = 'boom' THEN RAISE EXCEPTION 'refused by test trigger'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await prisma.$executeRawUnsafe(
      'CREATE TRIGGER tower_boom BEFORE INSERT ON tower FOR EACH ROW EXECUTE FUNCTION refuse_boom()',
    );
    try {
      const file =
        'id,lat,lon,first_seen\nok-1,39.1,125.8,2010-01-01\nok-2,39.5,125.9,2010-01-01\nboom,40.0,126.0,2010-01-01\nok-3,40.5,126.5,2010-01-01\n';
      const res = await imports.import(file, 'csv', 'rollback-test');
      expect(res).toMatchObject({ status: 'failed', inserted: 0, countries: {} });
      expect(res.errorMessage).toMatch(/refused by test trigger/);
      expect(await prisma.tower.count()).toBe(before);
    } finally {
      await prisma.$executeRawUnsafe('DROP TRIGGER tower_boom ON tower');
      await prisma.$executeRawUnsafe('DROP FUNCTION refuse_boom()');
    }
    const ledger = await http.get('/api/coverage/tower-imports').expect(200);
    expect(
      (ledger.body as { source: string; status: string }[]).find(
        (i) => i.source === 'rollback-test',
      ),
    ).toMatchObject({ status: 'failed' });
  });

  it('imports OpenCelliD and GeoJSON over the protected API', async () => {
    await http
      .post('/api/coverage/towers/import?format=opencellid&source=ocid')
      .set('content-type', 'text/csv')
      .send('x')
      .expect(401);
    const ocid = await http
      .post('/api/coverage/towers/import?format=opencellid&source=ocid')
      .set(auth)
      .set('content-type', 'text/csv')
      .send(readFixture('towers', 'opencellid-467.csv'))
      .expect(200);
    expect(ocid.body).toMatchObject({ status: 'partial', inserted: 2, merged: 1, rejected: 4 });
    const geo = await http
      .post('/api/coverage/towers/import?format=geojson&source=imagery-geo')
      .set(auth)
      .set('content-type', 'application/geo+json')
      .send(readFixture('towers', 'imagery-survey.geojson'))
      .expect(200);
    expect(geo.body).toMatchObject({ inserted: 2, rejected: 2 });
    await http
      .post('/api/coverage/towers/import?format=kml&source=x')
      .set(auth)
      .send('x')
      .expect(400);
    const badSource = await http
      .post('/api/coverage/towers/import?format=csv&source=Bad%20Name')
      .set(auth)
      .set('content-type', 'text/csv')
      .send('x')
      .expect(400);
    expect(JSON.stringify(badSource.body.message)).toMatch(/source must be 1-64 lower-case/);
  });

  it('keeps every tower and subscriptions import as a run of its own source, under its lease', async () => {
    const upload = (source: string, body: string) =>
      http
        .post(`/api/coverage/towers/import?format=csv&source=${source}`)
        .set(auth)
        .set('content-type', 'text/csv')
        .send(body);
    const res = await upload('imagery-runs', readFixture('towers', 'imagery-survey.csv')).expect(
      200,
    );
    expect(res.body).toMatchObject({ status: 'partial', inserted: 3, merged: 1, rejected: 4 });
    expect(res.body.run).toMatchObject({
      source: 'towers:imagery-runs',
      trigger: 'api',
      mode: 'import',
      status: 'partial',
      rowsInserted: 3,
      rowsUpdated: 0,
      rowsUnchanged: 0,
      rowsRejected: 4,
      rowsParsed: 4,
      warning: '1 rows merged into a tower within the dedup distance',
      errorKind: null,
    });
    const runId = res.body.run.id as number;
    const runs = await http.get('/api/ingestion/runs?source=towers:imagery-runs').expect(200);
    expect(runs.body.map((r: { id: number }) => r.id)).toEqual([runId]);
    // the run keeps the refused and merged rows with their reasons, as the tower ledger does
    const refused = await http.get(`/api/ingestion/runs/${runId}/rejections`).expect(200);
    expect(refused.body.map((r: { row: number }) => r.row)).toEqual([3, 5, 6, 7, 8]);
    const ledger = await http.get('/api/coverage/tower-imports').expect(200);
    expect(
      (ledger.body as { id: number; runId: number | null }[]).find((i) => i.id === res.body.id),
    ).toMatchObject({ runId });
    const sources = await http.get('/api/sources').expect(200);
    expect(
      (sources.body as { id: string }[]).find((s) => s.id === 'towers:imagery-runs'),
    ).toMatchObject({ writes: 'towers', observations: 0, status: 'ok', lastRun: { id: runId } });

    // a file the parser refuses: the import answers failed, and so does its run, with the kind
    const bad = await upload('imagery-runs', 'id,x,y\n1,2,3\n').expect(200);
    expect(bad.body).toMatchObject({ status: 'failed', errorKind: 'bad_input' });
    expect(bad.body.run).toMatchObject({ status: 'failed', errorKind: 'bad_input' });
    expect(bad.body.run.errorMessage).toMatch(/lacks the column/);

    // another instance importing the same registry holds its lease: a conflict, nothing recorded
    await prisma.$executeRawUnsafe(
      `INSERT INTO source_lease (source_id, holder, expires_at) VALUES ('towers:imagery-runs', 'elsewhere:1:x', now() + interval '1 hour')`,
    );
    try {
      const busy = await upload('imagery-runs', readFixture('towers', 'imagery-survey.csv')).expect(
        409,
      );
      expect(JSON.stringify(busy.body)).toMatch(/towers:imagery-runs is already in progress/);
      // another registry is not held up; /api/imports/towers is the same import, and without
      // format= the format is recognised from the file's first lines
      const other = await http
        .post('/api/imports/towers?source=imagery-other')
        .set(auth)
        .set('content-type', 'text/csv')
        .send(readFixture('towers', 'imagery-survey.csv'))
        .expect(200);
      expect(other.body).toMatchObject({ status: 'partial', inserted: 3, format: 'csv' });
      const unknown = await http
        .post('/api/imports/towers?source=imagery-other')
        .set(auth)
        .set('content-type', 'text/csv')
        .send('a,b\n1,2\n')
        .expect(400);
      expect(JSON.stringify(unknown.body)).toMatch(
        /format: the file's first lines are not a tower file .*name its format \(opencellid, csv, geojson\)/,
      );
      expect(other.body.run).toMatchObject({ source: 'towers:imagery-other', rowsInserted: 3 });
      await http
        .post('/api/imports/towers?format=csv&source=imagery-other')
        .set('content-type', 'text/csv')
        .send('x')
        .expect(401);
    } finally {
      await prisma.$executeRawUnsafe(
        `DELETE FROM source_lease WHERE source_id = 'towers:imagery-runs'`,
      );
    }
    const after = await http.get('/api/ingestion/runs?source=towers:imagery-runs').expect(200);
    expect(after.body).toHaveLength(2);

    // subscriptions: a run of the source subscriptions; a file with no usable value is a 400 and
    // a failed run
    const subs = await http
      .post('/api/imports/subscriptions?fileName=subscriptions-long.csv')
      .set(auth)
      .set('content-type', 'text/csv')
      .send(readFixture('wdi', 'subscriptions-long.csv'))
      .expect(200);
    expect(subs.body.run).toMatchObject({
      source: 'subscriptions',
      trigger: 'api',
      status: 'partial',
      rowsInserted: subs.body.inserted,
      rowsRejected: subs.body.rejected,
    });
    expect(subs.body.inserted).toBeGreaterThan(0);
    await http
      .post('/api/imports/subscriptions')
      .set(auth)
      .set('content-type', 'text/csv')
      .send('country,year,value\nKEN,2023,abc\n')
      .expect(400);
    const subRuns = await http.get('/api/ingestion/runs?source=subscriptions').expect(200);
    expect(subRuns.body[0]).toMatchObject({ status: 'failed', errorKind: 'bad_input' });
    expect(subRuns.body[0].errorMessage).toMatch(/no usable value/);
    expect(subRuns.body[1]).toMatchObject({ id: subs.body.run.id });
    // the later tests count the towers near Pyongyang: these registries leave
    await prisma.tower.deleteMany({ where: { source: { in: ['imagery-runs', 'imagery-other'] } } });
  });

  it('serves the registry as GeoJSON, saying what an OpenCelliD date means', async () => {
    const res = await http.get('/api/coverage/towers?source=ocid').expect(200);
    expect(res.body.type).toBe('FeatureCollection');
    expect(res.body.features[0]).toMatchObject({
      geometry: { type: 'Point', coordinates: [125.7601, 39.0301] },
      properties: {
        source: 'ocid',
        radio: 'GSM',
        firstSeen: '2009-01-01',
        firstSeenKind: 'record_created',
        coverageRadiusKm: 5,
      },
    });
    const doc = await http.get('/api/docs-json').expect(200);
    expect(doc.body.paths['/api/coverage/towers'].get.description).toMatch(
      /when the record was made, NOT when the tower went up/,
    );
  });

  it('says which markets are covered at a date, since when, and by how many towers', async () => {
    const res = await http.get('/api/coverage/markets?date=2010-06-30').expect(200);
    const m = (id: string) =>
      (res.body.markets as { market: string }[]).find((x) => x.market === id);
    // Pyongyang: imagery 2009-03-01 (img-001, with img-002 merged), ocid 2009-01-01, geojson g-1 2009-03-01
    expect(m('pyongyang')).toMatchObject({
      covered: true,
      firstCovered: '2009-01-01',
      towersInRange: 3,
    });
    // Sinuiju: img-003 revised to 2010-05-01
    expect(m('sinuiju')).toMatchObject({
      covered: true,
      firstCovered: '2010-05-01',
      towersInRange: 1,
    });
    // Hyesan: only an OpenCelliD UMTS record from 2012
    expect(m('hyesan')).toMatchObject({
      covered: false,
      firstCovered: '2012-01-01',
      towersInRange: 0,
    });
    expect(m('kaesong')).toMatchObject({ covered: false, firstCovered: null, towersInRange: 0 });
    expect(res.body.towerSources).toEqual(['imagery-geo', 'imagery-test', 'ocid']);
    const pairs = await http.get('/api/coverage/pairs?date=2010-06-30').expect(200);
    const pair = (a: string, b: string) =>
      (pairs.body.pairs as { a: string; b: string }[]).find((p) => p.a === a && p.b === b);
    expect(pair('pyongyang', 'sinuiju')).toEqual({
      a: 'pyongyang',
      b: 'sinuiju',
      bothCovered: true,
      bothCoveredFrom: '2010-05-01',
    });
    expect(pair('hyesan', 'pyongyang')).toEqual({
      a: 'hyesan',
      b: 'pyongyang',
      bothCovered: false,
      bothCoveredFrom: '2012-01-01',
    });
    expect(pair('kaesong', 'pyongyang')).toMatchObject({
      bothCovered: false,
      bothCoveredFrom: null,
    });
    const series = await http.get('/api/coverage/markets/chongjin/series').expect(200);
    expect(series.body).toMatchObject({
      firstCovered: '2010-02-01',
      steps: [{ date: '2010-02-01', towersInRange: 1 }],
    });
    await http.get('/api/coverage/markets/atlantis/series').expect(404);
    const region = await http.get('/api/coverage/markets/northern-border/series').expect(404);
    expect(region.body.message).toMatch(/northern-border is a region without coordinates/);
    await http.get('/api/coverage/markets?date=2010-02-30').expect(400);
  });

  it('measures the covered share of an area over time', async () => {
    const city = await http.get('/api/coverage/markets/sinuiju/area?radiusKm=5').expect(200);
    // one 5 km tower circle at the very centre of a 5 km circle: the whole area
    expect(city.body.steps).toHaveLength(1);
    expect(city.body.steps[0]).toMatchObject({ date: '2010-05-01', towers: 1 });
    expect(city.body.steps[0].share).toBeCloseTo(1, 3);
    const square = {
      type: 'Feature',
      properties: {},
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [124.2, 39.9],
            [124.6, 39.9],
            [124.6, 40.3],
            [124.2, 40.3],
            [124.2, 39.9],
          ],
        ],
      },
    };
    const res = await http.post('/api/coverage/area-share').send(square).expect(200);
    expect(res.body.steps).toHaveLength(1);
    expect(res.body.steps[0].share).toBeGreaterThan(0.05);
    expect(res.body.steps[0].share).toBeLessThan(0.07); // π·5² ≈ 78.5 km² of about 1,530 km²
    await http
      .post('/api/coverage/area-share')
      .send({ type: 'Feature', geometry: { type: 'Point', coordinates: [1, 2] } })
      .expect(400);
    await http.get('/api/coverage/markets/pyongyang/area?radiusKm=zero').expect(400);
  });

  const polygon = (ring: number[][]) => ({
    type: 'Feature',
    properties: {},
    geometry: { type: 'Polygon', coordinates: [ring] },
  });

  it.each([
    [
      'a self-intersecting polygon (a bow tie: Turf called it covered at every date)',
      polygon([
        [124.2, 39.9],
        [124.6, 40.3],
        [124.6, 39.9],
        [124.2, 40.3],
        [124.2, 39.9],
      ]),
      /^body: the polygon's boundary crosses itself \(1 crossing, the first near 124\.4000, 40\.1000\)$/,
    ],
    [
      'coordinates out of range (1e308 gave share 0)',
      polygon([
        [124.2, 39.9],
        [1e308, 39.9],
        [124.6, 40.3],
        [124.2, 39.9],
      ]),
      /^body: polygon 0, ring 0, position 1: longitude 1e\+308 is not a number from -180 to 180$/,
    ],
    [
      'a ring that is not closed',
      polygon([
        [124.2, 39.9],
        [124.6, 39.9],
        [124.6, 40.3],
        [124.2, 40.3],
      ]),
      /^body: polygon 0, ring 0 is not closed/,
    ],
    [
      'a ring of three positions',
      polygon([
        [124.2, 39.9],
        [124.6, 39.9],
        [124.2, 39.9],
      ]),
      /^body: polygon 0, ring 0 has 3 positions; a ring needs at least 4$/,
    ],
    [
      'more positions than one request may have',
      polygon([
        ...Array.from({ length: 10_001 }, (_, i) => [
          125 + Math.cos((2 * Math.PI * i) / 10_001),
          40 + Math.sin((2 * Math.PI * i) / 10_001),
        ]),
        [126, 40],
      ]),
      /^body: the polygon has 10002 positions; at most 10000 per request/,
    ],
  ])('refuses %s with a 400 naming the problem', async (_what, body, message) => {
    const res = await http.post('/api/coverage/area-share').send(body).expect(400);
    expect(res.body.message).toMatch(message);
  });

  it('bounds the radius around a market and caches the answer', async () => {
    const far = await http.get('/api/coverage/markets/pyongyang/area?radiusKm=500').expect(400);
    expect(JSON.stringify(far.body.message)).toMatch(/radiusKm: at most 50 km/);
    const areas = app.get(AreaShareService);
    const before = areas.computed;
    const a = await http.get('/api/coverage/markets/pyongyang/area?radiusKm=50').expect(200);
    const b = await http.get('/api/coverage/markets/pyongyang/area?radiusKm=50').expect(200);
    expect(b.body).toEqual(a.body);
    expect(areas.computed).toBe(before + 1); // the second came from the cache
    expect(a.body.steps.length).toBeGreaterThan(0);
  });

  it("imports towers of any country by their MCC, serves them by country, and reaches a market only with its own country's towers", async () => {
    await prisma.$executeRawUnsafe(
      `INSERT INTO country (iso3, name) VALUES ('KEN', 'Kenya') ON CONFLICT DO NOTHING`,
    );
    // Busia, Kenya, on the Ugandan border: Busia, Uganda is 2.5 km away
    await prisma.$executeRawUnsafe(
      `INSERT INTO market (id, name, kind, country, latitude, longitude)
       VALUES ('ken-busia', 'Busia', 'city', 'KEN', 0.4608, 34.1115)`,
    );
    const header =
      'radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal';
    const body = [
      header,
      'GSM,639,2,1,1,0,34.1150,0.4640,1000,5,1,1293840000,1577836800,0', // Kenya (Safaricom), 2011
      'GSM,641,1,1,2,0,34.0900,0.4669,1000,5,1,1230768000,1577836800,0', // Uganda, 2009
      'GSM,639,2,1,3,0,32.5825,0.3476,1000,5,1,1230768000,1577836800,0', // Kampala: not in Kenya
    ].join('\n');
    const world = await http
      .post('/api/coverage/towers/import?format=opencellid&source=ocid-east-africa')
      .set(auth)
      .set('content-type', 'text/csv')
      .send(body)
      .expect(200);
    expect(world.body).toMatchObject({
      status: 'partial',
      country: null,
      countries: { KEN: 1, UGA: 1 },
      inserted: 2,
      rejected: 1,
      rejections: [
        {
          row: 4,
          reason: 'point 0.3476, 32.5825 is outside Kenya (more than 10 km from its outline)',
        },
      ],
    });
    const kenya = await http
      .post('/api/coverage/towers/import?format=opencellid&source=ocid-kenya&country=ken')
      .set(auth)
      .set('content-type', 'text/csv')
      .send(body)
      .expect(200);
    expect(kenya.body).toMatchObject({ country: 'KEN', countries: { KEN: 1 }, inserted: 1 });
    expect(kenya.body.rejections[0]).toEqual({ row: 3, reason: "MCC 641 is not Kenya's (639)" });
    const bad = await http
      .post('/api/coverage/towers/import?format=opencellid&source=ocid-kenya&country=XYZ')
      .set(auth)
      .set('content-type', 'text/csv')
      .send(body)
      .expect(400);
    expect(bad.body.message).toBe('country: "XYZ" is not an ISO 3166-1 alpha-3 country code');

    const ken = await http.get('/api/coverage/towers?country=KEN').expect(200);
    expect(
      (ken.body.features as { properties: { country: string; source: string } }[]).map((f) => [
        f.properties.country,
        f.properties.source,
      ]),
    ).toEqual([
      ['KEN', 'ocid-east-africa'],
      ['KEN', 'ocid-kenya'],
    ]);
    const prk = await http.get('/api/coverage/towers?country=prk').expect(200);
    expect(prk.body.features.length).toBeGreaterThan(0);
    expect(
      (prk.body.features as { properties: { country: string } }[]).every(
        (f) => f.properties.country === 'PRK',
      ),
    ).toBe(true);
    const unknown = await http.get('/api/coverage/towers?country=NGA').expect(400);
    expect(unknown.body.message).toMatch(/^country: unknown id NGA \(known: KEN, PRK, UGA\)/);
    await prisma.$executeRawUnsafe(`INSERT INTO country (iso3, name) VALUES ('NGA', 'Nigeria')`);
    const none = await http.get('/api/coverage/towers?country=NGA').expect(200);
    expect(none.body).toEqual({ type: 'FeatureCollection', features: [] });
    await http.get('/api/coverage/towers?country=KE').expect(400);

    // the Ugandan tower (2009) is closer than the Kenyan one but is not Kenya's network
    const busia = await http.get('/api/coverage/markets/ken-busia/series').expect(200);
    expect(busia.body).toMatchObject({
      firstCovered: '2011-01-01',
      steps: [{ date: '2011-01-01', towersInRange: 2 }],
    });
    expect((busia.body.towers as { id: number }[]).length).toBe(2);
  });
});
