import { INestApplication } from '@nestjs/common';
import { Client as PgClient } from 'pg';
import { createApp } from '../../src/app.factory';
import { PrismaService } from '../../src/database/prisma.service';
import { RunLedgerService } from '../../src/ingestion/run-ledger.service';
import {
  ObservationInput,
  ObservationWriterService,
} from '../../src/prices/observation-writer.service';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';

// The one writer and what the database itself now enforces: the revision trigger, the set-wise
// reference checks that replaced observation's per-row foreign keys, and the single upsert with
// its fallback for a key repeated within one write.
describe.each(TEST_DATABASES)('observation writer and its database rules on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  let prisma: PrismaService;
  let writer: ObservationWriterService;
  let ledger: RunLedgerService;
  const fetchedAt = new Date('2026-01-02T03:04:05.000Z');
  const row = (marketId: string, surveyDate: string, value: number): ObservationInput => ({
    marketId,
    commodityId: 'rice',
    surveyDate,
    value,
    unit: 'KPW/kg',
    currency: 'KPW',
    rawValue: String(value),
    flag: 'observed',
    sourceUrl: 'https://example.org/prices',
    fetchedAt,
    parserVersion: 'test/1',
  });
  const count = async () =>
    Number(
      (
        await prisma.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM observation')
      )[0].n,
    );
  const errorOf = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      return err as Error & { code?: string; meta?: unknown };
    }
    throw new Error('expected a refusal');
  };

  beforeAll(async () => {
    db = await freshDatabase(kind, {
      LOAD_ARCHIVE_ON_EMPTY: 'false',
      LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false',
    });
    app = await createApp(db.config, { listen: false });
    prisma = app.get(PrismaService);
    writer = app.get(ObservationWriterService);
    ledger = app.get(RunLedgerService);
  });

  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  it('runs PGlite with the configured shared_buffers (its buffer cache is resident memory of the app)', async () => {
    if (kind !== 'pglite') return;
    const [{ shared_buffers }] =
      await prisma.$queryRawUnsafe<{ shared_buffers: string }[]>('SHOW shared_buffers');
    expect(shared_buffers).toBe('32MB');
  });

  it('applies a write in one statement: inserts, then leaves equal values, revises changed ones', async () => {
    const run1 = await ledger.start('dailynk-en', 'cli', 'live');
    const first = await writer.write('dailynk-en', run1, [
      row('pyongyang', '2020-01-01', 5000),
      row('sinuiju', '2020-01-01', 5100),
    ]);
    expect(first).toEqual({ inserted: 2, updated: 0, unchanged: 0, duplicates: 0 });
    const run2 = await ledger.start('dailynk-en', 'cli', 'live');
    const second = await writer.write('dailynk-en', run2, [
      row('pyongyang', '2020-01-01', 5000),
      row('sinuiju', '2020-01-01', 5200),
      row('hyesan', '2020-01-01', 5300),
    ]);
    expect(second).toEqual({ inserted: 1, updated: 1, unchanged: 1, duplicates: 0 });
    const revisions = await prisma.$queryRawUnsafe<
      { previous_value: number; new_value: number; run_id: number; market_id: string }[]
    >(
      `SELECT r.previous_value, r.new_value, r.run_id, o.market_id
       FROM observation_revision r JOIN observation o ON o.id = r.observation_id`,
    );
    expect(revisions).toEqual([
      { previous_value: 5100, new_value: 5200, run_id: run2, market_id: 'sinuiju' },
    ]);
    const sinuiju = await prisma.$queryRawUnsafe<{ value: number; run_id: number }[]>(
      `SELECT value, run_id FROM observation WHERE market_id = 'sinuiju'`,
    );
    expect(sinuiju).toEqual([{ value: 5200, run_id: run2 }]);
  });

  it('keeps the last of a key repeated within one write, counts the others as duplicates, and writes no revision for them', async () => {
    const before = await count();
    const revisionsBefore = await prisma.observationRevision.count();
    const run = await ledger.start('dailynk-en', 'cli', 'live');
    const counts = await writer.writeStream('dailynk-en', run, [
      [row('pyongyang', '2020-02-01', 6000), row('sinuiju', '2020-02-01', 6100)],
      [row('pyongyang', '2020-02-01', 6050), row('pyongyang', '2020-02-01', 6075)],
    ]);
    expect(counts).toEqual({ inserted: 2, updated: 0, unchanged: 0, duplicates: 2 });
    expect(await count()).toBe(before + 2);
    expect(await prisma.observationRevision.count()).toBe(revisionsBefore);
    const [p] = await prisma.$queryRawUnsafe<{ value: number }[]>(
      `SELECT value FROM observation WHERE market_id = 'pyongyang' AND survey_date = '2020-02-01'`,
    );
    expect(p.value).toBe(6075);
  });

  it("stores a country's first import straight; a key the file repeats keeps its last row, counted as a duplicate, with no revision", async () => {
    const revisionsBefore = await prisma.observationRevision.count();
    const straight: number[] = [];
    const write = (run: number, batches: ObservationInput[][]) =>
      writer.writeStream('asiapress-ko', run, batches, {
        country: 'PRK',
        beforeBatch: async (_tx, batch) => {
          straight.push(batch.length);
        },
      });
    const run1 = await ledger.start('asiapress-ko', 'cli', 'live');
    // batch 2 repeats a key of batch 1 (undone, then staged with batch 3, which repeats one of its own)
    const first = await write(run1, [
      [row('pyongyang', '2020-05-01', 100), row('sinuiju', '2020-05-01', 200)],
      [row('pyongyang', '2020-05-01', 150), row('hyesan', '2020-05-01', 300)],
      [row('hyesan', '2020-05-01', 310), row('wonsan', '2020-05-01', 400)],
    ]);
    expect(first).toEqual({ inserted: 4, updated: 0, unchanged: 0, duplicates: 2 });
    expect(straight).toEqual([2, 2]); // batch 1 stored straight, batch 2 tried and undone
    const stored = await prisma.$queryRawUnsafe<
      { market_id: string; value: number; run_id: number }[]
    >(
      `SELECT market_id, value, run_id FROM observation WHERE source_id = 'asiapress-ko'
       ORDER BY market_id`,
    );
    expect(stored).toEqual([
      { market_id: 'hyesan', value: 310, run_id: run1 },
      { market_id: 'pyongyang', value: 150, run_id: run1 },
      { market_id: 'sinuiju', value: 200, run_id: run1 },
      { market_id: 'wonsan', value: 400, run_id: run1 },
    ]);
    expect(await prisma.observationRevision.count()).toBe(revisionsBefore);

    // the same rows again: no longer a first import, so unchanged and revised as any write
    straight.length = 0;
    const run2 = await ledger.start('asiapress-ko', 'cli', 'live');
    const again = await write(run2, [
      [row('pyongyang', '2020-05-01', 150), row('sinuiju', '2020-05-01', 250)],
      [row('hyesan', '2020-05-01', 310), row('wonsan', '2020-05-01', 400)],
    ]);
    expect(again).toEqual({ inserted: 0, updated: 1, unchanged: 3, duplicates: 0 });
    expect(straight).toEqual([]);
    expect(await prisma.observationRevision.count()).toBe(revisionsBefore + 1);
  });

  it('a straight batch sent while the one before it is still being stored keeps its order: a key repeated three batches on is undone to its own savepoint, the batches before it stay', async () => {
    const run = await ledger.start('asiapress-ko', 'cli', 'live');
    const counts = await writer.writeStream(
      'asiapress-ko',
      run,
      [
        [row('pyongyang', '2019-03-01', 100), row('sinuiju', '2019-03-01', 200)],
        [row('hyesan', '2019-03-01', 300)],
        [row('wonsan', '2019-03-01', 400)],
        // repeats the first batch's Pyongyang row: this batch and the next are staged
        [row('chongjin', '2019-03-01', 500), row('pyongyang', '2019-03-01', 110)],
        [row('hamhung', '2019-03-01', 600), row('sinuiju', '2019-03-01', 210)],
      ],
      { country: 'PRK' },
    );
    expect(counts).toEqual({ inserted: 6, updated: 0, unchanged: 0, duplicates: 2 });
    const stored = await prisma.$queryRawUnsafe<{ market_id: string; value: number }[]>(
      `SELECT market_id, value FROM observation WHERE source_id = 'asiapress-ko' AND run_id = $1
       ORDER BY market_id`,
      run,
    );
    expect(stored).toEqual([
      { market_id: 'chongjin', value: 500 },
      { market_id: 'hamhung', value: 600 },
      { market_id: 'hyesan', value: 300 },
      { market_id: 'pyongyang', value: 110 },
      { market_id: 'sinuiju', value: 210 },
      { market_id: 'wonsan', value: 400 },
    ]);
  });
  it('sends a straight batch with its savepoint in one round trip: no query is sent while another is in flight (pg 8 queues it with a deprecation warning, pg 9 refuses it)', async () => {
    // the warning itself goes to the real process, which jest's `process` does not show: the
    // condition it warns of is watched instead, on every query of the write
    const overlapping: string[] = [];
    let queries = 0;
    const realQuery = Object.getOwnPropertyDescriptor(PgClient.prototype, 'query')!.value as (
      ...a: unknown[]
    ) => unknown;
    const query = jest.spyOn(PgClient.prototype, 'query').mockImplementation(function (
      this: PgClient & { activeQuery?: unknown; _queryQueue: unknown[] },
      ...args: unknown[]
    ) {
      queries++;
      if (this.activeQuery || this._queryQueue.length > 0)
        overlapping.push(String((args[0] as { text?: string })?.text ?? args[0]).slice(0, 40));
      return realQuery.apply(this, args);
    });
    try {
      const run = await ledger.start('asiapress-en', 'cli', 'live');
      const batches = ['2019-04-01', '2019-04-08', '2019-04-15', '2019-04-22'].map((d, i) => [
        row('pyongyang', d, 100 + i),
        row('sinuiju', d, 200 + i),
      ]);
      const counts = await writer.writeStream('asiapress-en', run, batches, { country: 'PRK' });
      expect(counts).toEqual({ inserted: 8, updated: 0, unchanged: 0, duplicates: 0 });
      expect(overlapping).toEqual([]);
      // PGlite has no pg client: nothing to watch there
      if (kind === 'postgres') expect(queries).toBeGreaterThan(4);
    } finally {
      query.mockRestore();
    }
  });

  it('a first import whose first batch repeats a key stores its last row; one naming a market of another country or an unknown one is refused whole', async () => {
    const run = await ledger.start('dailynk-ko', 'cli', 'live');
    const counts = await writer.writeStream(
      'dailynk-ko',
      run,
      [[row('pyongyang', '2020-06-01', 10), row('pyongyang', '2020-06-01', 11)]],
      { country: 'PRK' },
    );
    expect(counts).toEqual({ inserted: 1, updated: 0, unchanged: 0, duplicates: 1 });
    const [p] = await prisma.$queryRawUnsafe<{ value: number }[]>(
      `SELECT value FROM observation WHERE source_id = 'dailynk-ko'`,
    );
    expect(p.value).toBe(11);

    await prisma.$executeRawUnsafe(
      `INSERT INTO country (iso3, name) VALUES ('COL', 'Colombia') ON CONFLICT DO NOTHING`,
    );
    await prisma.$executeRawUnsafe(
      `INSERT INTO market (id, name, kind, country) VALUES ('col-bogota', 'Bogota', 'city', 'COL')`,
    );
    const before = await count();
    for (const [market, message] of [
      ['col-bogota', 'market id(s) col-bogota are not in PRK'],
      ['atlantis', 'unknown market id(s): atlantis'],
    ]) {
      const bad = await ledger.start('dailynk-sheet', 'cli', 'live');
      const err = await errorOf(
        writer.writeStream(
          'dailynk-sheet',
          bad,
          [[row('pyongyang', '2020-07-01', 10)], [row(market, '2020-07-01', 12)]],
          { country: 'PRK' },
        ),
      );
      expect(err.message).toContain(message);
    }
    expect(await count()).toBe(before);
  });

  it("stores each country's first import straight in a write of several (WFP's global file), stages the others, and keeps the last row of a key one of them repeats", async () => {
    await prisma.$executeRawUnsafe(
      `INSERT INTO country (iso3, name) VALUES ('COL', 'Colombia') ON CONFLICT DO NOTHING`,
    );
    await prisma.$executeRawUnsafe(
      `INSERT INTO market (id, name, kind, country) VALUES ('col-medellin', 'Medellin', 'city', 'COL'), ('col-cali', 'Cali', 'city', 'COL')`,
    );
    const source = 'dailynk-sheet';
    const inCountry = (country: string, r: ObservationInput): ObservationInput => ({
      ...r,
      country,
    });
    // PRK already has a row of this source: its batches are staged, as any write's
    const run1 = await ledger.start(source, 'cli', 'live');
    await writer.writeStream(source, run1, [
      [inCountry('PRK', row('pyongyang', '2020-08-01', 10))],
    ]);
    const revisionsBefore = await prisma.observationRevision.count();
    const straight: number[] = [];
    const run2 = await ledger.start(source, 'cli', 'live');
    const counts = await writer.writeStream(
      source,
      run2,
      [
        [
          inCountry('COL', row('col-medellin', '2020-08-01', 5)),
          inCountry('COL', row('col-cali', '2020-08-01', 6)),
        ],
        [
          inCountry('PRK', row('pyongyang', '2020-08-01', 12)),
          inCountry('PRK', row('pyongyang', '2020-09-01', 13)),
        ],
        // repeats a COL key stored straight by this write: undone, staged, and the last row wins
        [
          inCountry('COL', row('col-medellin', '2020-08-01', 7)),
          inCountry('COL', row('col-cali', '2020-09-01', 8)),
        ],
      ],
      { beforeBatch: async (_tx, batch) => void straight.push(batch.length) },
    );
    expect(counts).toEqual({ inserted: 4, updated: 1, unchanged: 0, duplicates: 1 });
    expect(straight).toEqual([2, 2]); // the COL batches: the first stored, the second tried and undone
    const stored = await prisma.$queryRawUnsafe<
      { country: string; market_id: string; survey_date: string; value: number; run_id: number }[]
    >(
      `SELECT country, market_id, survey_date::text, value, run_id FROM observation
       WHERE source_id = $1 ORDER BY country, market_id, survey_date`,
      source,
    );
    expect(stored).toEqual([
      { country: 'COL', market_id: 'col-cali', survey_date: '2020-08-01', value: 6, run_id: run2 },
      { country: 'COL', market_id: 'col-cali', survey_date: '2020-09-01', value: 8, run_id: run2 },
      {
        country: 'COL',
        market_id: 'col-medellin',
        survey_date: '2020-08-01',
        value: 7,
        run_id: run2,
      },
      {
        country: 'PRK',
        market_id: 'pyongyang',
        survey_date: '2020-08-01',
        value: 12,
        run_id: run2,
      },
      {
        country: 'PRK',
        market_id: 'pyongyang',
        survey_date: '2020-09-01',
        value: 13,
        run_id: run2,
      },
    ]);
    // the one revision is PRK's changed value; COL's repeated key was never committed
    expect(await prisma.observationRevision.count()).toBe(revisionsBefore + 1);
    // a batch of two countries is staged whole
    straight.length = 0;
    const run3 = await ledger.start(source, 'cli', 'live');
    await prisma.$executeRawUnsafe(
      `INSERT INTO market (id, name, kind, country) VALUES ('col-pasto', 'Pasto', 'city', 'COL')`,
    );
    const mixed = await writer.writeStream(
      'dailynk-ko',
      run3,
      [
        [
          inCountry('COL', row('col-pasto', '2020-08-01', 5)),
          inCountry('PRK', row('hyesan', '2021-08-01', 6)),
        ],
      ],
      { beforeBatch: async (_tx, batch) => void straight.push(batch.length) },
    );
    expect(mixed).toEqual({ inserted: 2, updated: 0, unchanged: 0, duplicates: 0 });
    expect(straight).toEqual([]);
  });

  it('a key repeated within a write keeps its last row against the stored one, whether the rows carry their country (equal rows left out first) or not', async () => {
    for (const country of ['PRK', undefined]) {
      const source = 'asiapress-en';
      const r = (date: string, value: number): ObservationInput => ({
        ...row(country ? 'chongjin' : 'hamhung', date, value),
        ...(country ? { country } : {}),
      });
      await writer.writeStream(source, await ledger.start(source, 'cli', 'live'), [
        [r('2019-01-01', 10), r('2019-02-01', 10)],
      ]);
      const revisionsBefore = await prisma.observationRevision.count();
      // changed then equal: the equal last row wins (nothing changes); equal then changed: the
      // changed one wins (one revision)
      const counts = await writer.writeStream(source, await ledger.start(source, 'cli', 'live'), [
        [r('2019-01-01', 20), r('2019-01-01', 10), r('2019-02-01', 10), r('2019-02-01', 30)],
      ]);
      expect({ country, counts }).toEqual({
        country,
        counts: { inserted: 0, updated: 1, unchanged: 1, duplicates: 2 },
      });
      const stored = await prisma.$queryRawUnsafe<{ value: number }[]>(
        `SELECT value FROM observation WHERE source_id = $1 AND market_id = $2 ORDER BY survey_date`,
        source,
        country ? 'chongjin' : 'hamhung',
      );
      expect(stored.map((x) => x.value)).toEqual([10, 30]);
      expect(await prisma.observationRevision.count()).toBe(revisionsBefore + 1);
    }
  });

  it("keeps each staged row's own provenance: the write's shared one filled in, a batch of others' kept row by row", async () => {
    const source = 'dailynk-en';
    const at = (
      r: ObservationInput,
      sourceUrl: string,
      fetched: string,
      parserVersion: string,
    ) => ({
      ...r,
      sourceUrl,
      fetchedAt: new Date(fetched),
      parserVersion,
    });
    // a stored row first, so the write below is staged (not a first import)
    await writer.write(source, await ledger.start(source, 'cli', 'live'), [
      row('kaesong', '2018-01-01', 1),
    ]);
    await writer.writeStream(source, await ledger.start(source, 'cli', 'live'), [
      [row('kaesong', '2018-02-01', 2), row('kaesong', '2018-03-01', 3)],
      [
        at(
          row('kaesong', '2018-04-01', 4),
          'https://example.org/other',
          '2025-05-05T05:05:05.000Z',
          'test/2',
        ),
        row('kaesong', '2018-05-01', 5),
      ],
      [row('kaesong', '2018-06-01', 6)],
    ]);
    const stored = await prisma.$queryRawUnsafe<
      { survey_date: string; source_url: string; fetched_at: Date; parser_version: string }[]
    >(
      `SELECT survey_date::text, source_url, fetched_at, parser_version FROM observation
       WHERE source_id = $1 AND market_id = 'kaesong' AND survey_date > '2018-01-01' ORDER BY survey_date`,
      source,
    );
    const shared = {
      source_url: 'https://example.org/prices',
      fetched_at: fetchedAt,
      parser_version: 'test/1',
    };
    expect(stored).toEqual([
      { survey_date: '2018-02-01', ...shared },
      { survey_date: '2018-03-01', ...shared },
      {
        survey_date: '2018-04-01',
        source_url: 'https://example.org/other',
        fetched_at: new Date('2025-05-05T05:05:05.000Z'),
        parser_version: 'test/2',
      },
      { survey_date: '2018-05-01', ...shared },
      { survey_date: '2018-06-01', ...shared },
    ]);
  });

  it('stores batches of any size and any text byte for byte, long then short then long, on both paths', async () => {
    // PGlite reuses one buffer for the COPYs of a transaction, resized to each batch: a short batch
    // after a long one must not carry the long one's tail, and multi-byte text must keep its bytes
    const notes = (i: number) => `tab\there, back\\slash, new\nline, 평양 ${i} é ₩`;
    const batchOf = (from: number, n: number) =>
      Array.from({ length: n }, (_, k) => {
        const i = from + k;
        const day = new Date(Date.UTC(2011, 0, 1 + i)).toISOString().slice(0, 10);
        return {
          ...row('wonsan', day, 1000 + i),
          rawValue: `${1000 + i}원`,
          qualityNotes: notes(i),
        };
      });
    const batches = [batchOf(0, 400), batchOf(400, 2), batchOf(402, 150)];
    for (const [sourceId, country] of [
      ['dailynk-ko', undefined],
      ['asiapress-en', 'PRK'],
    ] as const) {
      const run = await ledger.start(sourceId, 'cli', 'live');
      const counts = await writer.writeStream(sourceId, run, batches, { country });
      expect(counts).toEqual({ inserted: 552, updated: 0, unchanged: 0, duplicates: 0 });
      const stored = await prisma.$queryRawUnsafe<
        { survey_date: string; value: number; raw_value: string; quality_notes: string }[]
      >(
        `SELECT survey_date::text, value, raw_value, quality_notes FROM observation
         WHERE source_id = $1 AND market_id = 'wonsan' ORDER BY survey_date`,
        sourceId,
      );
      expect(stored).toEqual(
        batches.flat().map((r) => ({
          survey_date: r.surveyDate,
          value: r.value,
          raw_value: r.rawValue,
          quality_notes: r.qualityNotes,
        })),
      );
    }
  });

  it('refuses a write naming an unknown market, and writes none of it', async () => {
    const before = await count();
    const run = await ledger.start('dailynk-en', 'cli', 'live');
    const err = await errorOf(
      writer.write('dailynk-en', run, [
        row('pyongyang', '2020-03-01', 7000),
        row('atlantis', '2020-03-01', 7100),
      ]),
    );
    expect(err.message).toContain('unknown market id(s): atlantis');
    expect(await count()).toBe(before);
  });

  it('checks every reference set-wise in the database, as the foreign keys did (SQLSTATE 23503)', async () => {
    const before = await count();
    const insert = (market: string, commodity: string, source: string, run: number | null) =>
      prisma.$executeRawUnsafe(
        `INSERT INTO observation (country, source_id, market_id, commodity_id, survey_date, value, unit,
           currency, raw_value, source_url, fetched_at, parser_version, run_id)
         VALUES ('PRK', $1, $2, $3, '2021-01-01', 1, 'KPW/kg', 'KPW', '1', 'x', now(), 't', $4)`,
        source,
        market,
        commodity,
        run,
      );
    for (const [args, named] of [
      [['atlantis', 'rice', 'dailynk-en', null], 'market atlantis'],
      [['pyongyang', 'ambrosia', 'dailynk-en', null], 'commodity ambrosia'],
      [['pyongyang', 'rice', 'nobody', null], 'source nobody'],
      [['pyongyang', 'rice', 'dailynk-en', 999_999], 'ingestion run 999999'],
    ] as const) {
      const err = await errorOf(insert(...(args as [string, string, string, number | null])));
      expect(String(err.message)).toContain(named);
      expect(JSON.stringify(err)).toContain('23503');
    }
    expect(await count()).toBe(before);
  });

  it('refuses deleting or renaming a referenced market, commodity or source; a deleted run leaves its observations without one', async () => {
    // a source with an observation and no run (its runs would hold it by their own foreign key)
    await prisma.$executeRawUnsafe(
      `INSERT INTO observation (country, source_id, market_id, commodity_id, survey_date, value, unit,
         currency, raw_value, source_url, fetched_at, parser_version)
       VALUES ('PRK', 'nktimes-en', 'pyongyang', 'rice', '2021-06-01', 1, 'KPW/kg', 'KPW', '1', 'x', now(), 't')`,
    );
    for (const sql of [
      `DELETE FROM market WHERE id = 'pyongyang'`,
      `UPDATE market SET id = 'pyongyang-2' WHERE id = 'pyongyang'`,
      `DELETE FROM commodity WHERE id = 'rice'`,
      `DELETE FROM source WHERE id = 'nktimes-en'`,
    ]) {
      const err = await errorOf(prisma.$executeRawUnsafe(sql));
      expect(String(err.message)).toContain('is still referenced');
    }
    // an unreferenced market goes as before, and renaming one keeps it working
    await prisma.$executeRawUnsafe(
      `INSERT INTO market (id, name, kind, country) VALUES ('nowhere', 'Nowhere', 'city', 'PRK')`,
    );
    await prisma.$executeRawUnsafe(`UPDATE market SET latitude = 40 WHERE id = 'pyongyang'`);
    expect(await prisma.$executeRawUnsafe(`DELETE FROM market WHERE id = 'nowhere'`)).toBe(1);

    const run = await ledger.start('dailynk-en', 'cli', 'live');
    await writer.write('dailynk-en', run, [row('hamhung', '2020-04-01', 8000)]);
    await prisma.$executeRawUnsafe('DELETE FROM ingestion_run WHERE id = $1', run);
    const rows = await prisma.$queryRawUnsafe<{ run_id: number | null }[]>(
      `SELECT run_id FROM observation WHERE market_id = 'hamhung' AND survey_date = '2020-04-01'`,
    );
    expect(rows).toEqual([{ run_id: null }]);
  });

  it('never stores a zero, negative, infinite or NaN price, whichever path writes it (CHECK, SQLSTATE 23514)', async () => {
    const before = await count();
    const run = await ledger.start('dailynk-en', 'cli', 'live');
    for (const bad of [0, -5, Infinity, NaN]) {
      const err = await errorOf(
        writer.write('dailynk-en', run, [
          row('pyongyang', '2021-01-01', 5000),
          row('wonsan', '2021-01-01', bad),
        ]),
      );
      // PGlite's JSON stage turns a non-finite number into null: refused as NOT NULL (23502)
      expect(JSON.stringify(err.meta ?? {}) + err.message).toMatch(
        /23514|observation_value_positive_finite|23502/,
      );
    }
    expect(await count()).toBe(before);
  });
});
