import { readdirSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { RUNS, SEED } from './fuzz-settings';
import { isIsoDay } from '../../src/common/dates';
import { loadConfig } from '../../src/config/app-config';
import {
  parseSubscriptionFile,
  SubscriptionFileError,
} from '../../src/coverage/subscriptions-file.parser';
import {
  parseTowerFile,
  TowerFileError,
  TowerFileFormat,
} from '../../src/coverage/tower-file.parser';
import { NORTHERN_BORDER_REGION } from '../../src/sources/asiapress-ko/asiapress-ko.parser';
import { createSources } from '../../src/sources/source-registry';
import { SourceError } from '../../src/sources/source.error';
import { FetchedDocument, ParseResult, PriceSource } from '../../src/sources/source.types';
import {
  checkHeader,
  columnIndex,
  parseWfpFields,
  WfpFileError,
} from '../../src/sources/wfp-hdx/wfp-hdx.parser';
import { hxlIndex, parseHxlFields } from '../../src/sources/hxl/hxl.parser';
import type { RecordVerdict } from '../../src/sources/shared/price-file';
import { parseVamFields, vamColumnIndex } from '../../src/sources/wfp-vam/wfp-vam.parser';
import { PRICE_TABLE_IMPORTER } from '../../src/sources/price-table/price-table.importer';
import { parseColumnMap } from '../../src/sources/shared/column-map';
import { BadInputError } from '../../src/common/domain-error';
import {
  FILE_IMPORTERS,
  recogniseFile,
  TOWER_FILE_IMPORTER,
} from '../../src/sources/importer-registry';
import { FILE_HEAD_BYTES, fileHead } from '../../src/sources/shared/file-importer';
import { fixture, gazetteerMarkets, readFixture } from '../helpers/markets';

// Every parser, fuzzed over the real saved pages (mutated: truncated, bytes flipped, hostile
// numbers and markup spliced in, slices cut out) and over random bytes. The property: a parser
// returns rows or throws its own error kind; it never crashes with another error, and every row it
// returns is storable (a finite positive value, a calendar date, a known market, a unit) while
// every refused value carries a reason.

const params = { numRuns: RUNS, seed: SEED, endOnFailure: true };

// What the fuzzed inputs came to, per parser, for RELIABILITY.md (FUZZ_REPORT=<file>).
const tally: Record<
  string,
  { cases: number; rows: number; refusedValues: number; errors: number }
> = {};
const count = (parser: string, outcome: { rows?: number; refused?: number; error?: boolean }) => {
  const t = (tally[parser] ??= { cases: 0, rows: 0, refusedValues: 0, errors: 0 });
  t.cases++;
  t.rows += outcome.rows ?? 0;
  t.refusedValues += outcome.refused ?? 0;
  if (outcome.error) t.errors++;
};
afterAll(() => {
  if (process.env.FUZZ_REPORT)
    writeFileSync(
      `${process.env.FUZZ_REPORT}.parsers.json`,
      JSON.stringify({ runsPerCase: RUNS, seed: SEED, tally }, null, 2),
    );
});

const ctx = { markets: gazetteerMarkets() };
// the gazetteer's cities, and the region Asia Press averages over (data/reference/regions.csv)
const marketIds = new Set([...ctx.markets.map((m) => m.id), NORTHERN_BORDER_REGION]);

const SPLICE = [
  '-1',
  '0',
  '-0',
  'NaN',
  'Infinity',
  '1e400',
  '999999999999999999999',
  '0.0000001',
  '1,2,3',
  '\u0000',
  '\uFFFD',
  '\uFEFF',
  '<table>',
  '</td>',
  '<td>',
  '<tr><td>평양</td><td>-5</td></tr>',
  '</html>',
  '<!--',
  '"',
  '""',
  ',',
  '\n',
  '\r\n',
  '{',
  '}',
  '[',
  'null',
  '가격',
  '원',
  '쌀',
  '만',
  '억',
  '2019-02-30',
  '0000-00-00',
  '9999-12-31',
  'Pyongyang',
  '평양',
  'won',
  'KPW',
];

type Mutation = (b: Buffer) => Buffer;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .double({ min: 0, max: 1, noNaN: true })
    .map((f) => (b: Buffer) => b.subarray(0, Math.floor(b.length * f))),
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 }))
    .map(([f, byte]) => (b: Buffer) => {
      const c = Buffer.from(b);
      if (c.length) c[Math.min(c.length - 1, Math.floor(c.length * f))] = byte;
      return c;
    }),
  fc
    .tuple(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.oneof(
        fc.constantFrom(...SPLICE),
        fc.string({ maxLength: 20 }),
        fc.string({ unit: 'grapheme', maxLength: 10 }),
      ),
    )
    .map(([f, s]) => (b: Buffer) => {
      const at = Math.floor(b.length * f);
      return Buffer.concat([b.subarray(0, at), Buffer.from(s), b.subarray(at)]);
    }),
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.2, noNaN: true }))
    .map(([f, len]) => (b: Buffer) => {
      const at = Math.floor(b.length * f);
      return Buffer.concat([b.subarray(0, at), b.subarray(at + Math.floor(b.length * len))]);
    }),
  // a number in the page replaced by a hostile one
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom('-1', '0', 'NaN', '1e400', '99999999999999999999', '', '.', '-'),
    )
    .map(([n, s]) => (b: Buffer) => {
      const text = b.toString('utf8');
      const numbers = [...text.matchAll(/\d[\d,.]*/g)];
      if (!numbers.length) return b;
      const m = numbers[n % numbers.length];
      return Buffer.from(text.slice(0, m.index) + s + text.slice(m.index + m[0].length));
    }),
);

// A saved page, mutated 1 to 4 times; or random bytes.
const body = (page: Buffer): fc.Arbitrary<Buffer> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .array(mutation, { minLength: 1, maxLength: 4 })
        .map((ms) => ms.reduce((b, m) => m(b), page)),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a)) },
  );

function assertStorable(r: ParseResult, where: string): void {
  expect(Number.isInteger(r.missing) && r.missing >= 0).toBe(true);
  for (const o of r.observations) {
    const ok =
      Number.isFinite(o.value) &&
      o.value > 0 &&
      isIsoDay(o.surveyDate) &&
      marketIds.has(o.marketId) &&
      /^[a-z0-9-]+$/.test(o.commodityId) &&
      o.unit.length > 0 &&
      o.currency.length > 0;
    if (!ok) throw new Error(`${where}: an unstorable row: ${JSON.stringify(o)}`);
  }
  for (const x of r.rejected)
    if (typeof x.reason !== 'string' || !x.reason.trim())
      throw new Error(`${where}: a refused value without a reason: ${JSON.stringify(x)}`);
}

// The saved pages of each source, with the label its fetch gives them.
function pagesOf(source: PriceSource): { name: string; label: string }[] {
  const dir = source.meta.id;
  const files = readdirSync(fixture('sources', dir)).filter((f) => !f.endsWith('.expected.json'));
  return files.map((name) => ({
    name,
    label:
      dir === 'dailynk-sheet'
        ? name.split('-')[0] // rice-basic.csv is the rice tab, rate-*.csv the rate tab
        : name.startsWith('listing')
          ? 'listing'
          : name.replace(/\.\w+$/, ''),
  }));
}

const sources = createSources(loadConfig({}));

describe.each(sources.map((s) => [s.meta.id, s] as const))(
  'the %s parser under fuzzing',
  (_id, source) => {
    it.each(pagesOf(source).map((p) => [p.name, p] as const))(
      'a mutated %s: rows that can be stored, or a SourceError naming the problem',
      (name, page) => {
        const saved = Buffer.from(readFixture('sources', source.meta.id, name));
        fc.assert(
          fc.property(body(saved), (b) => {
            const doc: FetchedDocument = {
              url: `https://example.org/${page.label}`,
              label: page.label,
              body: b,
              fetchedAt: new Date('2026-11-25T00:00:00Z'),
              provenance: 'replay',
            };
            let r: ParseResult;
            try {
              r = source.parse(doc, ctx);
            } catch (err) {
              if (!(err instanceof SourceError) || !err.message.trim()) throw err;
              count(source.meta.id, { error: true });
              return;
            }
            assertStorable(r, `${source.meta.id} ${name}`);
            count(source.meta.id, { rows: r.observations.length, refused: r.rejected.length });
          }),
          params,
        );
      },
    );
  },
);

describe('the WFP record parser under fuzzing', () => {
  const text = readFixture('wfp', 'wfp_food_prices_col.csv');
  const header = text.split('\n')[0].split(',');
  const ix = columnIndex(header);
  const field = fc.oneof(
    fc.constantFrom(
      ...SPLICE,
      '2020-01-15',
      '2020-13-45',
      'KG',
      '90 KG',
      '500 ML',
      'Retail',
      'actual',
      'COP',
      '2880.00',
    ),
    fc.string({ maxLength: 30 }),
  );
  it('any fields: a row with a positive finite price and a calendar date, or a reason', () => {
    checkHeader(header);
    const realRows = text
      .split('\n')
      .slice(2)
      .filter(Boolean)
      .map((l) =>
        l.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((f) => f.replace(/,$/, '').replace(/^"|"$/g, '')),
      );
    const fields = fc.oneof(
      fc.array(field, { minLength: 0, maxLength: header.length + 2 }),
      fc
        .tuple(fc.constantFrom(...realRows), fc.nat(header.length - 1), field)
        .map(([row, i, v]) => row.map((x, j) => (j === i ? v : x))),
    );
    fc.assert(
      fc.property(fields, (f) => checkVerdict('wfp-record', parseWfpFields(f, ix, 'COL'))),
      params,
    );
  });

  it('any header: accepted, or a WfpFileError naming the missing columns', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...header), fc.string({ maxLength: 10 })), {
          maxLength: 20,
        }),
        (h) => {
          try {
            checkHeader(h);
          } catch (err) {
            if (!(err instanceof WfpFileError)) throw err;
          }
        },
      ),
      params,
    );
  });
});

// A price-file record's verdict: a skip with its kind, a reason, or a row that can be stored.
function checkVerdict(parser: string, out: RecordVerdict): void {
  if ('skip' in out) {
    expect(out.skip.trim()).not.toBe('');
    count(parser, { refused: 1 });
    return;
  }
  if ('reason' in out) {
    expect(out.reason.trim()).not.toBe('');
    count(parser, { refused: 1 });
    return;
  }
  count(parser, { rows: 1 });
  const r = out.row;
  const ok =
    Number.isFinite(r.value) &&
    r.value > 0 &&
    isIsoDay(r.surveyDate) &&
    r.surveyDate >= '1970-01-01' &&
    /^[A-Z]{3}$/.test(r.country) &&
    r.marketId.length > 0 &&
    /^[a-z0-9-]+$/.test(r.commodityId) &&
    (r.market.latitude === null || Math.abs(r.market.latitude) <= 90) &&
    (r.market.longitude === null || Math.abs(r.market.longitude) <= 180);
  if (!ok) throw new Error(`an unstorable ${parser} row: ${JSON.stringify(r)}`);
}

// The fields of a saved CSV's data lines (quoted commas kept inside their field).
const csvLines = (text: string, skip: number): string[][] =>
  text
    .split('\n')
    .slice(skip)
    .filter(Boolean)
    .map((l) =>
      l.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((f) => f.replace(/,$/, '').replace(/^"|"$/g, '')),
    );

describe('the WFP VAM and HXL record parsers under fuzzing', () => {
  const field = fc.oneof(
    fc.constantFrom(
      ...SPLICE,
      'Kenya',
      'Atlantis',
      '13',
      '0',
      '1900',
      '2019',
      '-1',
      'KG',
      '#value',
    ),
    fc.string({ maxLength: 30 }),
  );
  const mutated = (rows: string[][], width: number) =>
    fc.oneof(
      fc.array(field, { minLength: 0, maxLength: width + 2 }),
      fc
        .tuple(fc.constantFrom(...rows), fc.nat(width - 1), field)
        .map(([row, i, v]) => row.map((x, j) => (j === i ? v : x))),
    );
  it('VAM: any fields give a storable row of a known country, or a reason', () => {
    const text = readFixture('imports', 'wfp_vam_global_sample.csv');
    const header = text.split('\n')[0].split(',');
    const ix = vamColumnIndex(header);
    fc.assert(
      fc.property(mutated(csvLines(text, 1), header.length), (f) =>
        checkVerdict('wfp-vam-record', parseVamFields(f, ix)),
      ),
      params,
    );
  });
  it('HXL: any fields give a storable row, or a reason', () => {
    const text = readFixture('imports', 'renamed_hxl_prices.csv');
    const lines = csvLines(text, 0);
    const ix = hxlIndex(lines[1]);
    fc.assert(
      fc.property(mutated(lines.slice(2), lines[0].length), (f) =>
        checkVerdict('hxl-record', parseHxlFields(f, ix, undefined)),
      ),
      params,
    );
  });
  it('HXL: any tag row is read, or refused with a WfpFileError naming the missing tags', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom('#date', '#value', '#item+name', '#item+unit', '#loc+market+name'),
            fc.string({ maxLength: 12 }),
          ),
          { maxLength: 15 },
        ),
        (tags) => {
          try {
            hxlIndex(tags);
          } catch (err) {
            if (!(err instanceof WfpFileError)) throw err;
          }
        },
      ),
      params,
    );
  });
});

describe('the price-table importer (a long table read with a column map) under fuzzing', () => {
  const text = readFixture('imports', 'market_survey_table.csv');
  const lines = csvLines(text, 0);
  const header = lines[0];
  const MAP =
    'date=Survey day,market=Town,admin1=Region,commodity=Product,unit=Measure,price=Price per unit,currency=Money';
  const field = fc.oneof(
    fc.constantFrom(...SPLICE, 'Kisumu', 'KG', '0', '-3', 'n/a', '1900-01-01', '2023-13-01', 'KES'),
    fc.string({ maxLength: 30 }),
  );
  it('any fields give a storable row, or a reason', () => {
    const reader = PRICE_TABLE_IMPORTER.reader(header, lines[1], {
      map: parseColumnMap(MAP),
      country: 'KEN',
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(field, { maxLength: header.length + 2 }),
          fc
            .tuple(fc.constantFrom(...lines.slice(1)), fc.nat(header.length - 1), field)
            .map(([row, i, v]) => row.map((x, j) => (j === i ? v : x))),
        ),
        (f) => checkVerdict('price-table-record', reader.read(f)),
      ),
      params,
    );
  });
  it('any map text and header: a reader, or a refusal that names the problem', () => {
    const words = fc.constantFrom(
      ...header,
      'date',
      'market',
      'commodity',
      'unit',
      'price',
      'country',
      'colour',
      '=',
      ',',
      ' ',
    );
    const mapText = fc.oneof(
      fc.constant(MAP),
      fc.array(words, { maxLength: 20 }).map((w) => w.join('')),
      fc.string({ maxLength: 60 }),
    );
    fc.assert(
      fc.property(
        mapText,
        fc.oneof(fc.constant(header), fc.array(words, { maxLength: 10 })),
        fc.option(fc.constantFrom('KEN', 'XXX', 'kenya', ''), { nil: undefined }),
        (m, h, country) => {
          try {
            const reader = PRICE_TABLE_IMPORTER.reader(h, undefined, {
              map: parseColumnMap(m),
              country,
            });
            expect(reader.country === undefined || /^[A-Z]{3}$/.test(reader.country)).toBe(true);
            count('price-table-map', { rows: 1 });
          } catch (err) {
            if (!(err instanceof WfpFileError || err instanceof BadInputError)) throw err;
            expect((err as Error).message).toMatch(/^(map|country|file)\b/);
            count('price-table-map', { error: true });
          }
        },
      ),
      params,
    );
  });
});

describe('recognising a file from its first lines, under fuzzing', () => {
  const heads = [
    readFixture('wfp', 'wfp_food_prices_col.csv'),
    readFixture('imports', 'wfp_vam_global_sample.csv'),
    readFixture('imports', 'renamed_hxl_prices.csv'),
    readFixture('towers', 'opencellid-467.csv'),
    readFixture('towers', 'opencellid-467-noheader.csv'),
    readFixture('towers', 'imagery-survey.csv'),
    readFixture('towers', 'imagery-survey.geojson'),
    readFixture('wdi', 'API_IT.CEL.SETS.P2_DS2_en_csv_v2_sample.csv'),
    readFixture('wdi', 'subscriptions-long.csv'),
  ].map((t) => t.slice(0, 2000));
  // a real file's head truncated, with a slice cut out, or with hostile text spliced in; or any text
  const head = fc.oneof(
    fc
      .tuple(
        fc.constantFrom(...heads),
        fc.nat(2000),
        fc.nat(2000),
        fc.constantFrom(...SPLICE, '"', '\uFEFF', '{', '\r\n'),
      )
      .map(([t, a, b, x]) => t.slice(0, Math.min(a, b)) + x + t.slice(Math.max(a, b))),
    fc.string({ maxLength: 400 }),
  );
  it('any head is one importer or none, and a tower head has a format', () => {
    const ids = new Set(FILE_IMPORTERS.map((i) => i.id));
    fc.assert(
      fc.property(head, (text) => {
        const h = fileHead(text.slice(0, FILE_HEAD_BYTES));
        const found = recogniseFile(h);
        count('file-head', { rows: found ? 1 : 0, refused: found ? 0 : 1 });
        if (found && !ids.has(found.id)) throw new Error(`an unknown importer ${found.id}`);
        if (found?.writes === 'towers' && !TOWER_FILE_IMPORTER.formatOf(h))
          throw new Error(`a tower file without a format: ${JSON.stringify(text.slice(0, 80))}`);
      }),
      params,
    );
  });
});

describe('the tower and subscription file parsers under fuzzing', () => {
  const towerFiles: [string, TowerFileFormat][] = [
    ['opencellid-467.csv', 'opencellid'],
    ['opencellid-467-noheader.csv', 'opencellid'],
    ['imagery-survey.csv', 'csv'],
    ['imagery-survey.geojson', 'geojson'],
  ];
  it.each(towerFiles)(
    'a mutated %s: towers on the map with dates, or a TowerFileError',
    async (name, format) => {
      const saved = Buffer.from(readFixture('towers', name));
      await fc.assert(
        fc.asyncProperty(body(saved), async (b) => {
          let r;
          try {
            r = await parseTowerFile(b.toString('utf8'), format, { dedupMeters: 100 });
          } catch (err) {
            if (!(err instanceof TowerFileError) || !err.message.trim()) throw err;
            count(`towers-${format}`, { error: true });
            return;
          }
          count(`towers-${format}`, { rows: r.towers.length, refused: r.rejected.length });
          for (const t of r.towers)
            if (
              !(Math.abs(t.latitude) <= 90 && Math.abs(t.longitude) <= 180) ||
              !isIsoDay(t.firstSeen.slice(0, 10)) ||
              (t.rangeM !== null && !(Number.isFinite(t.rangeM) && t.rangeM >= 0))
            )
              throw new Error(`an unstorable tower: ${JSON.stringify(t)}`);
          for (const x of [...r.rejected, ...r.merged]) expect(x.reason.trim()).not.toBe('');
        }),
        params,
      );
    },
  );

  it.each(['API_IT.CEL.SETS.P2_DS2_en_csv_v2_sample.csv', 'subscriptions-long.csv'])(
    'a mutated %s: finite non-negative yearly values, or a SubscriptionFileError',
    (name) => {
      const saved = Buffer.from(readFixture('wdi', name));
      fc.assert(
        fc.property(body(saved), (b) => {
          let r;
          try {
            r = parseSubscriptionFile(b.toString('utf8'));
          } catch (err) {
            if (!(err instanceof SubscriptionFileError) || !err.message.trim()) throw err;
            count('subscriptions', { error: true });
            return;
          }
          count('subscriptions', { rows: r.points.length, refused: r.rejected.length });
          for (const p of r.points)
            if (!(
              Number.isFinite(p.value) &&
              p.value >= 0 &&
              Number.isInteger(p.year) &&
              /^[A-Z]{3}$/.test(p.country)
            ))
              throw new Error(`an unstorable point: ${JSON.stringify(p)}`);
          for (const x of r.rejected) expect(x.reason.trim()).not.toBe('');
        }),
        params,
      );
    },
  );
});
