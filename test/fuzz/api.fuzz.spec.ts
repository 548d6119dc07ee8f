import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { RUNS, SEED } from './fuzz-settings';
import { createApp } from '../../src/app.factory';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';
import openapi from '../../openapi.json';

// Property-based fuzzing of every public endpoint's parameters, generated from the committed
// OpenAPI document: each operation's query and path parameters get values that are sometimes
// valid (enum members, the markets and commodities the database holds, real dates) and often
// hostile (huge and negative numbers, impossible and far dates, duplicates, unicode, injection
// strings, very long values, forged cursors, a parameter given twice). The property: every answer
// is a 2xx, or a 4xx whose message names a parameter; never a 5xx, never a hang.
//
// Bounded in `npm test` (FUZZ_RUNS per operation, default 100, fixed seed); `npm run fuzz` runs long
// with a random seed. FUZZ_REPORT=<file> writes the count of answers by status class.

const ANSWER_TIMEOUT_MS = 20_000;

interface Param {
  name: string;
  in: 'query' | 'path';
  schema: { type?: string; enum?: string[]; items?: { type?: string }; example?: unknown };
}
interface Operation {
  method: string;
  path: string;
  params: Param[];
}

type Spec = { paths: Record<string, Record<string, { parameters?: Param[] }>> };
const OPERATIONS: Operation[] = Object.entries((openapi as unknown as Spec).paths).flatMap(
  ([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => method === 'get')
      .map(([method, op]) => ({ method, path, params: op.parameters ?? [] })),
);

const b64 = (s: string) => Buffer.from(s).toString('base64url');

// Values no endpoint should choke on.
const HOSTILE = [
  '',
  ' ',
  '-1',
  '0',
  '-0',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '99999999999999999999999',
  '9007199254740993',
  '0x10',
  '1.5',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '2019-02-30',
  '0000-00-00',
  '9999-12-31',
  '0001-01-01',
  '2019-13-01',
  '2015-1-1',
  '20150101',
  '2015-01-01T00:00:00Z',
  '-2015-01-01',
  '+275760-09-13',
  "'; DROP TABLE observation; --",
  "' OR '1'='1",
  '%00',
  '\u0000',
  '\uFEFF',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  '{"$gt":""}',
  '${jndi:ldap://x}',
  'pyongyang,pyongyang',
  ',,,',
  'PRK',
  'prk',
  'XXX',
  'ZZZ',
  'rice',
  'kerala',
  '평양',
  'ශ්‍රී',
  '🍚',
  b64('[]'),
  b64('["2019-02-30","a","b","c","d","e"]'),
  b64('["0000-00-00","a","b","c","d","e"]'),
  b64('["9999-12-31","pyongyang","rice","dailynk-sheet","retail","KPW/kg"]'),
  b64('[1,2,3,4,5,6]'),
  b64('{"date":"2015-01-01"}'),
  'bm90IGpzb24',
];

function hostile(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.double().map(String) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 6000 }).map((n) => 'a'.repeat(n)) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => b64(JSON.stringify(v))) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.integer({ min: -1, max: 10001 }),
          fc.integer({ min: -1, max: 14 }),
          fc.integer({ min: -1, max: 33 }),
        )
        .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
    },
  );
}

interface Known {
  markets: string[];
  commodities: string[];
  sources: string[];
  countries: string[];
  units: string[];
  priceTypes: string[];
}

// Plausible values for a parameter, so the fuzzer also reaches the code behind the validation.
function plausible(p: Param, k: Known): fc.Arbitrary<string> {
  const s = p.schema;
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const byName: Record<string, string[]> = {
    commodity: k.commodities,
    market: k.markets,
    markets: k.markets,
    id: [...k.markets, '1', '2'],
    source: k.sources,
    country: k.countries,
    unit: k.units,
    priceType: k.priceTypes,
    from: ['2009-01-01', '2012-06-30', '2016-02-29'],
    to: ['2014-12-31', '2019-12-31', '2030-01-01'],
    date: ['2010-01-01', '2015-06-30', '2019-12-31'],
    periods: ['2009-2013', '2014-2019', '2012'],
    breaks: ['1', '2', '3', '0'],
    controls: ['border', 'none'],
    fe: ['pair', 'time', 'market'],
    limit: ['1', '10', '500', '5000'],
    bootstrap: ['0', '99', '199', '999'],
    seed: ['1', '42'],
    radiusKm: ['1', '5', '50'],
    balanced: ['true', 'false'],
    adf: ['true', 'false'],
  };
  const pool = byName[p.name]?.filter(Boolean);
  if (pool?.length) return fc.constantFrom(...pool);
  if (s.type === 'number') return fc.integer({ min: 0, max: 1000 }).map(String);
  if (s.type === 'boolean') return fc.constantFrom('true', 'false');
  return fc.constantFrom(typeof s.example === 'string' ? s.example : 'x');
}

// One parameter's value(s): absent, one value, a list (comma-joined or the parameter repeated).
function paramValue(p: Param, k: Known): fc.Arbitrary<string[] | undefined> {
  const one = fc.oneof(plausible(p, k), hostile());
  const lists = fc.oneof(
    fc.array(one, { minLength: 1, maxLength: 4 }),
    fc.array(one, { minLength: 1, maxLength: 4 }).map((xs) => [xs.join(',')]),
  );
  const present =
    p.schema.type === 'array'
      ? lists
      : fc.oneof(
          { weight: 5, arbitrary: one.map((v) => [v]) },
          { weight: 1, arbitrary: fc.array(one, { minLength: 2, maxLength: 3 }) },
        );
  return p.in === 'path'
    ? one.map((v) => [v])
    : fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: present });
}

interface Request {
  url: string;
  sent: string[]; // the parameter names in the request
}

function request(op: Operation, k: Known): fc.Arbitrary<Request> {
  const record: Record<string, fc.Arbitrary<string[] | undefined>> = {};
  for (const p of op.params) record[p.name] = paramValue(p, k);
  return fc.record(record).map((values) => {
    let path = op.path;
    const qs = new URLSearchParams();
    const sent: string[] = [];
    for (const p of op.params) {
      const v = values[p.name];
      if (!v) continue;
      sent.push(p.name);
      if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeURIComponent(v[0] || 'x'));
      else for (const x of v) qs.append(p.name, x);
    }
    const query = qs.toString();
    return { url: query ? `${path}?${query}` : path, sent };
  });
}

// Node's HTTP parser refuses a request line over its 16 KiB header limit with a bare 431 before
// the application sees it: the one 4xx without a message, and only for such a long URL.
const HEADER_LIMIT = 16 * 1024;

async function check(
  base: string,
  op: Operation,
  req: Request,
  tally: Record<string, number>,
): Promise<void> {
  const res = await fetch(base + req.url, { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) });
  const body = await res.text();
  const cls = `${String(res.status)[0]}xx`;
  tally[cls] = (tally[cls] ?? 0) + 1;
  tally[res.status] = (tally[res.status] ?? 0) + 1;
  const shown =
    req.url.length > 300 ? `${req.url.slice(0, 300)}… (${req.url.length} chars)` : req.url;
  if (res.status >= 500) throw new Error(`${res.status} for GET ${shown}: ${body.slice(0, 500)}`);
  if (res.status === 431 && req.url.length > HEADER_LIMIT / 2) return;
  if (res.status >= 400) {
    let message = '';
    try {
      const m = (JSON.parse(body) as { message?: unknown }).message;
      message = Array.isArray(m) ? m.join('; ') : typeof m === 'string' ? m : '';
    } catch {
      throw new Error(`${res.status} for GET ${shown} is not JSON: ${body.slice(0, 200)}`);
    }
    // a path parameter may be named by its resource: /markets/{id} answers "market: ..."
    const resources = [...op.path.matchAll(/(\w+?)s?\/\{\w+\}/g)].map((m) => m[1]);
    const names = [...req.sent, ...op.params.map((p) => p.name), ...resources];
    if (!names.some((n) => message.includes(n)))
      throw new Error(
        `${res.status} for GET ${shown} names no parameter (${names.join(', ')}): ${message}`,
      );
    if (/at \w+ \(|node_modules|SELECT |INSERT |prisma/i.test(message))
      throw new Error(`${res.status} for GET ${shown} leaks internals: ${message}`);
  }
}

describe.each(TEST_DATABASES)(
  'fuzzing every GET endpoint from the OpenAPI document (%s)',
  (kind) => {
    let db: TestDb;
    let app: INestApplication;
    let base: string;
    let known: Known;
    const tally: Record<string, number> = {};
    beforeAll(async () => {
      db = await freshDatabase(kind);
      app = await createApp(db.config);
      base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      const get = async <T>(p: string) => (await (await fetch(base + p)).json()) as T;
      const commodities =
        await get<{ id: string; series: { unit: string; priceType: string }[] }[]>(
          '/api/commodities',
        );
      known = {
        markets: (await get<{ id: string }[]>('/api/markets')).map((m) => m.id),
        commodities: commodities.map((c) => c.id),
        sources: (await get<{ id: string }[]>('/api/sources')).map((s) => s.id),
        countries: (await get<{ iso3: string }[]>('/api/countries')).map((c) => c.iso3),
        units: [...new Set(commodities.flatMap((c) => c.series.map((s) => s.unit)))],
        priceTypes: [...new Set(commodities.flatMap((c) => c.series.map((s) => s.priceType)))],
      };
    }, 180_000);
    afterAll(async () => {
      await app?.close();
      await db?.cleanup();
      if (process.env.FUZZ_REPORT)
        writeFileSync(
          `${process.env.FUZZ_REPORT}.${kind}.json`,
          JSON.stringify({ kind, runsPerOperation: RUNS, seed: SEED, tally }, null, 2),
        );
    });

    it('knows every GET operation of the document', () => {
      expect(OPERATIONS.length).toBeGreaterThanOrEqual(20);
    });

    it.each(OPERATIONS.map((op) => [op.path, op] as const))(
      'GET %s: a 2xx or a 4xx naming a parameter, never a 5xx or a hang',
      async (_path, op) => {
        await fc.assert(
          fc.asyncProperty(request(op, known), (req) => check(base, op, req, tally)),
          { numRuns: RUNS, seed: SEED, endOnFailure: true },
        );
      },
      600_000,
    );
  },
);
