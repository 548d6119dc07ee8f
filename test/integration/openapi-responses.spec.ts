import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';
import { fixture, readFixture } from '../helpers/markets';
import { API, operations, templateOf, validatorFor } from '../helpers/openapi-schema';

// Every endpoint's answer checked against its schema in the committed openapi.json, on the shipped
// archive plus a WFP country, a subscription file and tower files: what a generated client is told
// comes back is what comes back, field for field (objects are closed, nulls declared).
const AUTH = { authorization: 'Bearer schema-token' };
const SQUARE = {
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

// Requests that between them reach every operation and the variants of its answer (a result and
// the reason for none, optional parts present and absent).
const GETS = [
  '/api/health',
  '/api/countries',
  '/api/countries/PRK/outline',
  '/api/countries/COL/outline',
  '/api/world/outline',
  '/api/markets',
  '/api/markets?country=COL',
  '/api/commodities',
  '/api/commodities?country=COL',
  '/api/sources',
  '/api/observations?limit=50',
  '/api/observations?country=COL&limit=50',
  '/api/analysis/dispersion?commodity=rice',
  '/api/analysis/dispersion?commodity=rice&country=COL&priceType=retail&unit=KG',
  '/api/analysis/half-lives?commodity=rice&adf=true&periods=2009-01-01..2012-12-31,2013-01-01..2019-12-31',
  '/api/analysis/half-lives?commodity=rice&periods=2009-01-01..2009-06-30',
  '/api/analysis/trend?commodity=rice',
  '/api/analysis/trend?commodity=rice&to=2010-01-01',
  '/api/analysis/trend?commodity=rice&breaks=2009-09-01',
  '/api/analysis/beta?commodity=rice',
  '/api/analysis/beta?commodity=rice&to=2010-01-01',
  '/api/analysis/pair-regression?commodity=rice&bootstrap=99&controls=border,distance',
  '/api/analysis/pair-regression?commodity=rice&bootstrap=0&to=2009-09-01',
  '/api/analysis/pair-regression?commodity=rice&bootstrap=99&coverage=towers',
  '/api/analysis/network?commodity=rice',
  '/api/analysis/network?commodity=rice&to=2010-01-01',
  '/api/analysis/convergence?commodity=rice&bootstrap=99',
  '/api/analysis/convergence?commodity=rice&markets=pyongyang,sinuiju&bootstrap=99',
  '/api/analysis/convergence?commodity=rice&country=COL&priceType=retail&unit=KG&bootstrap=99',
  '/api/analysis/alerts?commodity=rice',
  '/api/analysis/alerts/history?commodity=rice&market=hyesan',
  '/api/analysis/alerts/summary',
  '/api/analysis/cross-country?bootstrap=99',
  '/api/analysis/cross-country?countries=PRK&bootstrap=0',
  '/api/ingestion/runs',
  '/api/ingestion/runs/1/rejections',
  '/api/coverage/national',
  '/api/coverage/national?country=COL&interval=year',
  '/api/coverage/markets',
  '/api/coverage/pairs',
  '/api/coverage/markets/pyongyang/series',
  '/api/coverage/markets/pyongyang/area',
  '/api/coverage/towers',
  '/api/coverage/tower-imports',
];

describe.each(TEST_DATABASES)('answers match openapi.json on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  const reached = new Set<string>();

  const check = (method: string, path: string, res: request.Response) => {
    const template = templateOf(method, path);
    reached.add(`${method} ${template}`);
    const validate = validatorFor(method, template, res.status);
    if (!validate(res.body))
      throw new Error(
        `${method.toUpperCase()} ${path}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`,
      );
  };

  beforeAll(async () => {
    db = await freshDatabase(kind, { ADMIN_TOKEN: 'schema-token' });
    app = await createApp(db.config);
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  it('answers every write with what its schema says', async () => {
    const posts: [string, string, string | Buffer | object][] = [
      [
        '/api/imports/wfp?fileName=wfp_food_prices_col.csv',
        'text/csv',
        readFileSync(fixture('wfp', 'wfp_food_prices_col.csv')),
      ],
      [
        '/api/imports/wfp-vam?fileName=wfp_vam_global_sample.csv',
        'text/csv',
        readFileSync(fixture('imports', 'wfp_vam_global_sample.csv')),
      ],
      [
        '/api/imports/subscriptions?fileName=API_IT.CEL.SETS.P2_DS2_en_csv_v2_sample.csv',
        'text/csv',
        readFixture('wdi', 'API_IT.CEL.SETS.P2_DS2_en_csv_v2_sample.csv'),
      ],
      [
        '/api/coverage/towers/import?format=opencellid&source=ocid',
        'text/csv',
        readFixture('towers', 'opencellid-467.csv'),
      ],
      [
        '/api/imports/towers?format=csv&source=imagery',
        'text/csv',
        readFixture('towers', 'imagery-survey.csv'),
      ],
      ['/api/ingestion/runs', 'application/json', { source: 'dailynk-sheet', mode: 'archive' }],
      ['/api/coverage/area-share', 'application/json', SQUARE],
    ];
    for (const [path, type, body] of posts) {
      const res = await http.post(path).set(AUTH).set('content-type', type).send(body);
      expect([200, 201]).toContain(res.status);
      check('post', path, res);
    }
  });

  it.each(GETS)('GET %s', async (path) => {
    const res = await http.get(path);
    expect(res.status).toBe(200);
    check('get', path, res);
  });

  it('reaches every JSON operation of the document', () => {
    const jsonOps = operations().filter(
      (op) => op !== 'get /api/observations/wide' && op !== 'get /api/alerts.atom',
    );
    expect(jsonOps.filter((op) => !reached.has(op))).toEqual([]);
  });
});

describe('the committed contract', () => {
  it('openapi.json and the dashboard client types match the code', () => {
    const res = spawnSync(
      process.execPath,
      [path.join('scripts', 'export-openapi.cjs'), '--check'],
      {
        cwd: path.join(__dirname, '..', '..'),
        encoding: 'utf8',
      },
    );
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  }, 60_000);

  it('gives every JSON operation a response schema', () => {
    const missing = operations().filter((op) => {
      const [method, p] = op.split(' ');
      const ok = Object.entries(API.paths[p][method].responses).find(([c]) => c.startsWith('2'));
      const content = ok?.[1].content ?? {};
      return !Object.values(content).some((c) => c.schema);
    });
    expect(missing).toEqual([]);
  });
});
