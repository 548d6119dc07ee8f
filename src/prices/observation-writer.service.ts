import { Injectable, Logger } from '@nestjs/common';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom, CopyStreamQuery } from 'pg-copy-streams';
import { BulkTx, bulkTransaction, copyNumber, copyText } from '../database/bulk-transaction';
import { PrismaService } from '../database/prisma.service';
import type { SqlTx } from '../database/sql-tx';
import { failpoint } from '../common/failpoint';
import { ObservationFlag } from '../generated/prisma/enums';

// An observation ready to store: what the parser read plus where and when it was fetched.
export interface ObservationInput {
  marketId: string;
  // the market's country, where the caller knows it: a batch whose rows all carry one country may
  // be stored straight (see ObservationWriterService.apply); the stored row's country is always
  // the market's
  country?: string;
  commodityId: string;
  surveyDate: string;
  periodStart?: string;
  periodEnd?: string;
  value: number;
  unit: string;
  priceType?: string; // retail (default), wholesale, farmgate, ...
  currency: string;
  usdValue?: number; // as published (WFP usdprice)
  priceFlag?: string; // the published flag word (WFP: actual, aggregate, forecast, ...)
  rawValue: string;
  flag: ObservationFlag;
  qualityNotes?: string;
  sourceUrl: string;
  fetchedAt: Date;
  parserVersion: string;
}

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  duplicates: number;
}

// The key within one source's write (the source is the write's own).
const KEY = 'market_id, commodity_id, price_type, unit, survey_date, currency';

// The staged columns, in COPY order.
const STAGE_COLUMNS = [
  'market_id',
  'commodity_id',
  'survey_date',
  'period_start',
  'period_end',
  'value',
  'unit',
  'price_type',
  'currency',
  'usd_value',
  'price_flag',
  'raw_value',
  'source_url',
  'fetched_at',
  'parser_version',
  'flag',
  'quality_notes',
] as const;

// Where a row was fetched from, when and by which parser: one file import's rows share it.
interface Provenance {
  sourceUrl: string;
  fetchedAt: Date;
  parserVersion: string;
}
const sameProvenance = (r: ObservationInput, p: Provenance): boolean =>
  r.sourceUrl === p.sourceUrl &&
  r.parserVersion === p.parserVersion &&
  (r.fetchedAt === p.fetchedAt || r.fetchedAt.getTime() === p.fetchedAt.getTime());

// The stage's columns without the provenance: a batch whose rows all have the write's provenance
// is staged without it (null in the stage: the write's own, filled in by the upsert). A third of
// each staged line was the same file name, fetch time and parser version, and the timestamp was
// parsed again on every row (PGlite, an unchanged re-import of 49,500 rows: the stage's COPY was
// 259 ms of 600).
const PROVENANCE_COLUMNS = new Set(['source_url', 'fetched_at', 'parser_version']);
const SHORT_STAGE_COLUMNS = STAGE_COLUMNS.filter((c) => !PROVENANCE_COLUMNS.has(c));

const STAGE_LIST = STAGE_COLUMNS.join(', ');
const SHORT_STAGE_LIST = SHORT_STAGE_COLUMNS.join(', ');

// A batch to stage: its COPY columns and lines, short when every row has the write's provenance.
function stageLines(
  batch: ObservationInput[],
  provenance: Provenance,
): { columns: string; lines: string } {
  return batch.every((r) => sameProvenance(r, provenance))
    ? { columns: SHORT_STAGE_LIST, lines: copyLines(batch, false) }
    : { columns: STAGE_LIST, lines: copyLines(batch) };
}

// One batch as COPY lines, in STAGE_COLUMNS order (SHORT_STAGE_COLUMNS without `provenance`),
// written directly (this runs once per row of a country-scale import): no intermediate object per
// row, one ISO string per distinct fetch time.
function copyLines(batch: ObservationInput[], provenance = true): string {
  let out = '';
  let lastFetched: Date | undefined;
  let fetchedIso = '';
  const t = copyText;
  for (const r of batch) {
    let origin = '';
    if (provenance) {
      if (r.fetchedAt !== lastFetched) {
        lastFetched = r.fetchedAt;
        fetchedIso = r.fetchedAt.toISOString();
      }
      origin = `${t(r.sourceUrl)}\t${fetchedIso}\t${t(r.parserVersion)}\t`;
    }
    out += `${t(r.marketId)}\t${t(r.commodityId)}\t${r.surveyDate}\t${t(r.periodStart)}\t${t(r.periodEnd)}\t${copyNumber(r.value)}\t${t(r.unit)}\t${t(r.priceType ?? 'retail')}\t${t(r.currency)}\t${copyNumber(r.usdValue)}\t${t(r.priceFlag)}\t${t(r.rawValue)}\t${origin}${r.flag}\t${t(r.qualityNotes)}\n`;
  }
  return out;
}

export interface WriteOptions {
  // runs last inside the transaction: a check that may refuse the commit (the caller's source
  // lease), so a run that lost its right to write rolls back whole
  fence?: (tx: SqlTx) => Promise<void>;
  // runs once every row is staged, before they are applied, in the same transaction: the
  // reference rows (markets, commodities) the write needs
  beforeApply?: (tx: SqlTx) => Promise<void>;
  // The write's country, when every row of it is of one country (a WFP file of one country: every
  // market of the write must be in it, checked). A batch whose rows all carry one country (theirs,
  // or this one) and none of whose source's rows are stored for that country (a country's first
  // import) is stored straight into series_point, with no stage and no upsert: see
  // ObservationWriterService.apply.
  country?: string;
  // runs before each batch is stored straight (the first-import path), in the same transaction:
  // the reference rows that batch needs
  beforeBatch?: (tx: SqlTx, batch: ObservationInput[]) => Promise<void>;
}

// Fills the stage as batches arrive; end() once the last is in. pause() before any other
// statement of the write's transaction (a straight batch after a staged one): the next add()
// goes on where it left off.
interface Stager {
  add(batch: ObservationInput[], provenance: Provenance): Promise<void>;
  pause(): Promise<void>;
  end(): Promise<void>;
}

// The columns a first import stores straight into series_point (observation is the view of
// series and their points): the row's series, then its date, values and provenance, and the run.
const POINT_COLUMNS =
  'series_id, survey_date, period_start, period_end, value, usd_value, price_flag, raw_value, ' +
  'source_url, fetched_at, parser_version, flag, quality_notes, run_id';

// A series within a write: its country and the key without the date (of a row: seriesKey).
// (a template, not a join: it runs once per row of the straight path)
const seriesKeyOf = (
  country: string,
  market: string,
  commodity: string,
  priceType: string,
  unit: string,
  currency: string,
): string =>
  `${country}\u0000${market}\u0000${commodity}\u0000${priceType}\u0000${unit}\u0000${currency}`;
const seriesKey = (country: string, r: ObservationInput): string =>
  seriesKeyOf(country, r.marketId, r.commodityId, r.priceType ?? 'retail', r.unit, r.currency);

// A batch's lines to store straight into series_point, or undefined while a series of it has no
// id yet (made by resolveSeries first).
function pointLines(
  batch: ObservationInput[],
  country: string,
  runId: number,
  ids: Map<string, number>,
): string | undefined {
  let out = '';
  let lastFetched: Date | undefined;
  let fetchedIso = '';
  const t = copyText;
  for (const r of batch) {
    const id = ids.get(seriesKey(country, r));
    if (id === undefined) return undefined;
    if (r.fetchedAt !== lastFetched) {
      lastFetched = r.fetchedAt;
      fetchedIso = r.fetchedAt.toISOString();
    }
    out += `${id}\t${r.surveyDate}\t${t(r.periodStart)}\t${t(r.periodEnd)}\t${copyNumber(r.value)}\t${copyNumber(r.usdValue)}\t${t(r.priceFlag)}\t${t(r.rawValue)}\t${t(r.sourceUrl)}\t${fetchedIso}\t${t(r.parserVersion)}\t${r.flag}\t${t(r.qualityNotes)}\t${runId}\n`;
  }
  return out;
}

// Stores one batch's lines straight into series_point (a first import): one COPY per batch, with
// the statements `before` it in the same round trip (its savepoint).
type DirectInsert = (lines: string | Buffer, before: readonly string[]) => Promise<void>;

const directInsert =
  (tx: BulkTx): DirectInsert =>
  (lines, before) =>
    tx.copy(`series_point (${POINT_COLUMNS})`, lines, before);

const SAVE_BATCH = 'SAVEPOINT observation_batch';
const RELEASE_BATCH = 'RELEASE SAVEPOINT observation_batch';

// PostgreSQL: one COPY ... FROM STDIN for the whole write, fed batch by batch. A batch is handed to
// the socket and the parser goes on with the next while the server reads it (the wait for the
// socket to drain comes before the next batch, not after this one), so parsing and loading overlap.
function copyStager(client: PoolClient): Stager {
  let copy: CopyStreamQuery | undefined;
  let copyColumns = '';
  let failed: Error | undefined;
  let drained: Promise<unknown> | undefined;
  return {
    async add(batch, provenance) {
      const { columns, lines } = stageLines(batch, provenance);
      // a batch of other columns (rows of another provenance) needs a COPY of its own
      if (copy && columns !== copyColumns) await endCopy();
      if (!copy) {
        copy = client.query(copyFrom(`COPY obs_stage (${columns}) FROM STDIN`));
        copyColumns = columns;
        copy.on('error', (err: Error) => (failed ??= err));
      }
      await drained;
      if (failed) throw failed;
      drained = copy.write(lines) ? undefined : once(copy, 'drain');
    },
    // the connection runs one statement at a time: an open COPY is ended (the rows staged so far
    // are in) before another statement, and the next batch opens a new one
    pause: () => endCopy(),
    end: () => endCopy(),
  };
  async function endCopy() {
    if (!copy) return;
    await drained;
    if (failed) throw failed;
    const open = copy;
    copy = undefined;
    drained = undefined;
    open.end();
    await finished(open);
  }
}

// PGlite: one COPY from a blob per batch (it runs in this thread: there is nothing to overlap). No
// JSON and no object per row: a batch is one string and one blob, so the JavaScript heap holds
// little garbage (the JSON statements this replaced left the heap at several hundred MiB).
function batchStager(tx: BulkTx): Stager {
  return {
    add(batch, provenance) {
      const { columns, lines } = stageLines(batch, provenance);
      return tx.copy(`obs_stage (${columns})`, lines);
    },
    async pause() {},
    async end() {},
  };
}

// The one country of a batch whose rows all carry it (or the write's own, for rows that carry
// none), else undefined: such a batch may be stored straight.
function batchCountry(batch: ObservationInput[], writeCountry?: string): string | undefined {
  const country = batch[0].country ?? writeCountry;
  if (country === undefined) return undefined;
  for (const r of batch) if ((r.country ?? writeCountry) !== country) return undefined;
  return writeCountry === undefined || writeCountry === country ? country : undefined;
}

// The SQLSTATE of a failed statement (pg's and PGlite's errors both carry it as `code`).
const sqlState = (err: unknown): unknown => (err as { code?: unknown }).code;

// The stage's last row of each key (a key repeated within one write: the last one wins).
const LAST_OF_EACH_KEY = `(SELECT DISTINCT ON (${KEY}) * FROM obs_stage ORDER BY ${KEY}, seq DESC)`;

// The batches of a write with the next ones already asked for while this one is stored: the
// parser (this thread) works ahead while the database (its own process) stores this one. A queue
// of `depth` batches evens out the two: with one batch ahead, each side waited on the other
// whenever a batch parsed slower than the last one stored, or the reverse (PostgreSQL,
// 990,000 rows: the server idle for 1.3 s of the import waiting for the parser). Ends the source
// early when the write fails.
async function* prefetched<T>(
  source: AsyncIterable<T> | Iterable<T>,
  depth: number,
): AsyncGenerator<T> {
  const it =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const ahead: Promise<IteratorResult<T>>[] = [];
  let done = false;
  const ask = () => {
    if (done) return;
    const next = Promise.resolve(it.next());
    next.catch(() => undefined); // awaited in turn; a failure meanwhile is not unhandled
    ahead.push(next);
  };
  let finishedNormally = false;
  try {
    for (let i = 0; i < depth; i++) ask();
    for (;;) {
      const r = await ahead.shift()!;
      if (r.done) {
        done = true;
        finishedNormally = true;
        return;
      }
      ask();
      yield r.value;
    }
  } finally {
    if (!finishedNormally) void Promise.resolve(it.return?.()).catch(() => undefined);
  }
}
// batches parsed ahead of the one being stored, where the database is another process (PGlite
// runs in this thread: a batch ahead is all it can use, and more would only hold memory)
const PREFETCH_DEPTH = 3;

// The only writer of observations. Idempotent by the key (source, market, commodity, price type,
// unit, survey date, currency); the country is the market's: a new key is inserted, an equal value is left
// alone, a changed value is updated and its previous value kept as a revision. Everything of one
// call is one transaction. Rows are staged in a temporary table as they arrive (memory holds one
// batch whatever the total): by one streamed COPY on a PostgreSQL server, by a COPY from a blob
// per batch on PGlite; then one INSERT ... ON CONFLICT DO UPDATE applies them all (the database's
// triggers keep the revisions and check the references, set-wise). A country's first import skips
// the stage (see apply).
// staged rows from which the stage is analyzed before it is applied
const ANALYZE_STAGE_AFTER = 200_000;
// rows inserted by one write beyond which the table's statistics are refreshed
export const ANALYZE_AFTER_ROWS = 10_000;
// the points' columns every read of observation filters or joins by: what a new country's
// statistics need before the table has grown enough for all of them (the series, a small table,
// are analyzed whole)
const PLANNED_POINT_COLUMNS = ['series_id', 'survey_date'];
// the growth since the last ANALYZE below which it is not repeated (autovacuum's default scale)
const ANALYZE_GROWTH = 0.1;

// The statistics refresh several writes owe, settled once after the last of them (a command that
// imports a folder): what they inserted and the countries they wrote.
export class PendingStatistics {
  inserted = 0;
  readonly countries = new Set<string>();

  add(inserted: number, countries: Iterable<string>): void {
    this.inserted += inserted;
    for (const c of countries) this.countries.add(c);
  }
}

@Injectable()
export class ObservationWriterService {
  private readonly logger = new Logger(ObservationWriterService.name);

  constructor(private readonly prisma: PrismaService) {}

  // After a bulk write of many rows, the planner's statistics are those of the table before it:
  // PostgreSQL's autovacuum analyzes it later, PGlite's never. With a freshly imported country the
  // cross-country read planned a nested loop over the key index per market and took 57 s instead
  // of 2 (bench/cross-country.cjs); ANALYZE samples the table in a fraction of a second. It is
  // skipped only where autovacuum would skip it too: the table grew by less than a tenth since it
  // was last analyzed (its pages against those the statistics counted, as the planner scales its
  // estimates) and every country written is among the statistics' most common. A new country in
  // a table grown by less than a tenth refreshes only the columns reads plan by (PLANNED_COLUMNS);
  // growth refreshes them all. On PGlite the full ANALYZE was a quarter of a 49,500-row import's
  // time, every file of twenty (bench/wfp-import.cjs). A failure only costs a slower plan, so it
  // is logged, never raised.
  async refreshStatistics(inserted: number, countries: Iterable<string> = []): Promise<void> {
    if (inserted < ANALYZE_AFTER_ROWS) return;
    try {
      const [stats] = await this.prisma.$queryRawUnsafe<
        { analyzedPages: number; pages: number; known: boolean }[]
      >(
        `SELECT c.relpages::float8 AS "analyzedPages",
                (pg_relation_size(c.oid) / current_setting('block_size')::int)::float8 AS pages,
                coalesce((SELECT $1::text[] <@ s.most_common_vals::text::text[] FROM pg_stats s
                          WHERE s.schemaname = 'public' AND s.tablename = 'series'
                            AND s.attname = 'country'), false) AS known
         FROM pg_class c WHERE c.oid = 'series_point'::regclass`,
        [...countries],
      );
      const grown = !(
        stats &&
        stats.analyzedPages > 0 &&
        stats.pages < stats.analyzedPages * (1 + ANALYZE_GROWTH)
      );
      if (grown) await this.prisma.$executeRawUnsafe('ANALYZE series_point, series, market');
      // a new country in a table that grew by less than a tenth: only the columns the reads
      // choose their plans by (bench/wfp-import.cjs on PGlite: 0.2 s against 0.38 s a file)
      else if (!stats.known)
        await this.prisma.$executeRawUnsafe(
          `ANALYZE series_point (${PLANNED_POINT_COLUMNS.join(', ')}), series, market`,
        );
    } catch (err) {
      this.logger.warn(`ANALYZE after the import failed: ${(err as Error).message}`);
    }
  }

  async write(
    sourceId: string,
    runId: number,
    rows: ObservationInput[],
    fence?: (tx: SqlTx) => Promise<void>,
  ): Promise<WriteCounts> {
    return this.writeStream(sourceId, runId, [rows], { fence });
  }

  async writeStream(
    sourceId: string,
    runId: number,
    batches: AsyncIterable<ObservationInput[]> | Iterable<ObservationInput[]>,
    opts: WriteOptions = {},
  ): Promise<WriteCounts> {
    return bulkTransaction(
      this.prisma,
      (tx) =>
        this.apply(
          tx,
          sourceId,
          runId,
          prefetched(batches, tx.pgClient ? PREFETCH_DEPTH : 1),
          opts,
          tx.pgClient ? copyStager(tx.pgClient) : batchStager(tx),
          directInsert(tx),
        ),
      `the write of run ${runId} (${sourceId})`,
    );
  }

  private async apply(
    tx: SqlTx,
    sourceId: string,
    runId: number,
    batches: AsyncIterable<ObservationInput[]> | Iterable<ObservationInput[]>,
    opts: WriteOptions,
    stager: Stager,
    direct: DirectInsert,
  ): Promise<WriteCounts> {
    const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, duplicates: 0 };
    let staged = 0;
    let total = 0;
    let insertedDirect = 0;
    await tx.execute(`CREATE TEMP TABLE obs_stage (
      market_id text, commodity_id text, survey_date date, period_start date, period_end date,
      value float8, unit text, price_type text, currency text, usd_value float8, price_flag text,
      raw_value text, source_url text, fetched_at timestamptz,
      parser_version text, flag text, quality_notes text, seq bigserial) ON COMMIT DROP`);
    // A country's first import: none of this source's rows is stored for a batch's country, so no
    // row of it can be a revision or unchanged, and the batch goes straight into series_point. Each
    // country of the write is looked up once, when its first batch comes (a WFP file of one
    // country: one; WFP's global file: each of its countries, batches cut where the country
    // changes). A batch that meets a key this write already stored (SQLSTATE 23505: a key repeated
    // within the file) is undone to its savepoint, and it and every later batch of its country
    // take the staged path; its country is then one of `repeated`, whose stored rows the apply
    // treats as the duplicates they must be.
    const straightIn = new Map<string, boolean>(); // country: are its batches stored straight?
    const repeated = new Set<string>(); // countries stored straight, then met a repeated key
    const checkedMarkets = new Set<string>();
    const seriesIds = new Map<string, number>(); // seriesKey: series.id, for the straight path
    // the countries of the staged rows, while every staged batch is of one known country
    let stagedCountries: Set<string> | undefined = new Set();
    // the write's provenance: its first staged row's (a file import's every row has it)
    let provenance: Provenance | undefined;
    // The last straight batch's savepoint, still to release: with the next straight batch's COPY
    // (in its round trip), else before the next statement that relies on it (release()).
    let releaseOwed = false;
    const release = async () => {
      if (!releaseOwed) return;
      releaseOwed = false;
      await tx.execute(RELEASE_BATCH);
    };
    // The last straight batch, sent and not yet confirmed: the next batch's COPY lines are made
    // while the server stores it (before, the server sat idle while each batch's lines were made
    // after the previous COPY had ended: 2.5 s of a 15.4 s PostgreSQL import of 990,000 rows).
    let inflight: { batch: ObservationInput[]; country: string; done: Promise<void> } | undefined;
    const stage = async (batch: ObservationInput[], country: string | undefined) => {
      await release();
      provenance ??= {
        sourceUrl: batch[0].sourceUrl,
        fetchedAt: batch[0].fetchedAt,
        parserVersion: batch[0].parserVersion,
      };
      await stager.add(batch, provenance);
      staged += batch.length;
      if (country === undefined) stagedCountries = undefined;
      else stagedCountries?.add(country);
    };
    // The in-flight batch stored, its savepoint then owed a release. A batch that met a key this
    // write already stored (23505) is undone to its savepoint (kept, so owed a release too), its
    // country turned to the staged path, and the batch staged.
    const settle = async () => {
      if (!inflight) return;
      const { batch, country, done } = inflight;
      inflight = undefined;
      try {
        await done;
        releaseOwed = true;
        insertedDirect += batch.length;
      } catch (err) {
        if (sqlState(err) !== '23505') throw err;
        await tx.execute('ROLLBACK TO SAVEPOINT observation_batch');
        releaseOwed = true;
        straightIn.set(country, false);
        repeated.add(country);
        await stage(batch, country);
      }
    };
    for await (const batch of batches) {
      if (!batch.length) continue;
      total += batch.length;
      const country = batchCountry(batch, opts.country);
      // made while the previous straight batch is stored (the server busy, this thread free), as
      // bytes at once: a string of thousands of pieces kept across the wait outlived the young
      // generation, and the collector's time grew from 1.8 s to 7 s of the import
      const earlyText =
        country !== undefined && inflight !== undefined && straightIn.get(country) === true
          ? pointLines(batch, country, runId, seriesIds)
          : undefined;
      const early = earlyText === undefined ? undefined : Buffer.from(earlyText);
      await settle();
      if (country !== undefined && straightIn.get(country) !== false) {
        await stager.pause();
        let straight = straightIn.get(country);
        if (straight === undefined) {
          straight =
            (
              await tx.query(
                `SELECT 1 FROM series s WHERE s.country = $1 AND s.source_id = $2
                   AND EXISTS (SELECT 1 FROM series_point p WHERE p.series_id = s.id) LIMIT 1`,
                country,
                sourceId,
              )
            ).length === 0;
          straightIn.set(country, straight);
        }
        if (straight) {
          await opts.beforeBatch?.(tx, batch);
          await this.checkMarkets(tx, batch, country, checkedMarkets);
          // a series new to the write gets its id first (a country's first batch: all of them)
          let lines: string | Buffer | undefined =
            early ?? pointLines(batch, country, runId, seriesIds);
          if (lines === undefined) {
            await this.resolveSeries(tx, sourceId, country, batch, seriesIds);
            lines = pointLines(batch, country, runId, seriesIds)!;
          }
          // The savepoint goes out with the COPY (after the last one's release), in one round
          // trip and not awaited here: the parser (this thread) goes on with the next batch, and
          // settle() confirms this one before another statement is sent.
          const done = direct(lines, releaseOwed ? [RELEASE_BATCH, SAVE_BATCH] : [SAVE_BATCH]);
          releaseOwed = false;
          done.catch(() => undefined); // awaited in settle(); a failure meanwhile is not unhandled
          inflight = { batch, country, done };
          continue;
        }
      }
      await stage(batch, country);
    }
    await settle();
    await release();
    await stager.end();
    if (total === 0) return counts;
    if (staged > 0) {
      await opts.beforeApply?.(tx);
      // every market must exist (the country comes from it): refuse with the ids rather than drop rows
      const orphans = await tx.query<{ market_id: string }>(
        `SELECT s.market_id FROM (SELECT DISTINCT market_id FROM obs_stage) s
         WHERE NOT EXISTS (SELECT 1 FROM market m WHERE m.id = s.market_id) LIMIT 5`,
      );
      if (orphans.length)
        throw new Error(
          `unknown market id(s): ${orphans.map((o) => o.market_id).join(', ')} (not in the market table)`,
        );
      // the staged rows go into series_point in one statement: room for all of them as new rows
      // (heap, indexes and log: about 600 bytes a row) before it starts
      this.prisma.storage.assertWritable(`the write of run ${runId} (${sourceId})`, staged * 600);
      // A temporary table has no statistics, so the statements below are planned blind: fine for a
      // file of one country, but past ANALYZE_STAGE_AFTER rows the blind plans sorted the whole
      // stage on disk (an unchanged re-import of WFP's global file, 990,000 rows: the series'
      // statement 3.1 s, analyzed 0.2 s + 0.8 s).
      if (staged >= ANALYZE_STAGE_AFTER) await tx.execute('ANALYZE obs_stage');
      if (repeated.size > 0 && opts.country !== undefined) {
        const elsewhere = await tx.query<{ market_id: string }>(
          `SELECT DISTINCT s.market_id FROM obs_stage s JOIN market m ON m.id = s.market_id
           WHERE m.country <> $1 LIMIT 5`,
          opts.country,
        );
        if (elsewhere.length)
          throw new Error(
            `market id(s) ${elsewhere.map((e) => e.market_id).join(', ')} are not in ${opts.country}, the write's country`,
          );
      }
      // The countries stored straight until a repeated key: every stored row of theirs was stored
      // by this write, so a staged row whose key is stored repeats a row of the file, and the
      // file's last row of each key must win whole, with no revision (the earlier value was never
      // committed): those stored rows are deleted, and the stage's rows go in as new ones.
      const deleted =
        repeated.size > 0 ? await this.deleteRepeated(tx, sourceId, [...repeated]) : 0;
      // One statement: a new key is inserted, a changed value updated (the revision trigger
      // keeps its predecessor), an equal one left alone. A key repeated within the stage makes
      // PostgreSQL refuse the statement (it cannot affect a row twice): only then is the stage
      // de-duplicated, the last row of each key winning, and the statement run again. Where the
      // staged rows' countries are known, the statement first leaves out every staged row equal
      // to its stored one (a read of those countries' rows by the key's index): ON CONFLICT locks
      // each conflicting row, even one it leaves alone, so an unchanged re-import wrote a lock to
      // every row it met (bench/wfp-import.cjs, 990,000 rows stored, a 49,500-row file: the
      // statement 210 ms against 62 ms). Leaving out equal rows before choosing the last of each
      // key would let an earlier changed row win, so the stage's repeats are counted first.
      const countries = stagedCountries && [...stagedCountries];
      // the series first, once: the upsert below may run twice (a key repeated in the stage)
      await this.makeStagedSeries(tx, sourceId, countries);
      await tx.execute('SAVEPOINT observation_upsert');
      let written: { inserted: number; updated: number };
      let stageRepeats = 0;
      if (countries) {
        stageRepeats = staged - (await this.distinctStagedKeys(tx));
        written = await this.upsert(
          tx,
          sourceId,
          runId,
          stageRepeats > 0 ? LAST_OF_EACH_KEY : 'obs_stage',
          provenance!,
          countries,
        );
      } else
        try {
          written = await this.upsert(tx, sourceId, runId, 'obs_stage', provenance!);
        } catch (err) {
          if (sqlState(err) !== '21000') throw err;
          await tx.execute('ROLLBACK TO SAVEPOINT observation_upsert');
          stageRepeats = staged - (await this.distinctStagedKeys(tx));
          written = await this.upsert(tx, sourceId, runId, LAST_OF_EACH_KEY, provenance!);
        }
      await tx.execute('RELEASE SAVEPOINT observation_upsert');
      counts.inserted = insertedDirect + written.inserted - deleted;
      counts.updated = written.updated;
      counts.unchanged = staged - stageRepeats - written.inserted - written.updated;
      counts.duplicates = stageRepeats + deleted;
    } else counts.inserted = insertedDirect;
    await failpoint('observations:staged');
    await opts.fence?.(tx);
    await failpoint('observations:before-commit');
    return counts;
  }

  // The stored rows of these countries (of this source) whose key the stage holds: rows this
  // write stored straight that a later row of the file repeats. Returns how many.
  private async deleteRepeated(tx: SqlTx, sourceId: string, countries: string[]): Promise<number> {
    return tx.execute(
      `DELETE FROM series_point p USING series x, (SELECT DISTINCT ${KEY} FROM obs_stage) s
       WHERE p.series_id = x.id AND p.survey_date = s.survey_date
         AND x.country = ANY($2::text[]) AND x.source_id = $1
         AND x.commodity_id = s.commodity_id AND x.market_id = s.market_id
         AND x.price_type = s.price_type AND x.unit = s.unit AND x.currency = s.currency`,
      sourceId,
      countries,
    );
  }

  // The ids of a batch's series not yet in `ids` (made when new), into `ids`: one statement.
  private async resolveSeries(
    tx: SqlTx,
    sourceId: string,
    country: string,
    batch: ObservationInput[],
    ids: Map<string, number>,
  ): Promise<void> {
    const wanted = new Map<string, ObservationInput>();
    for (const r of batch) {
      const k = seriesKey(country, r);
      if (!ids.has(k) && !wanted.has(k)) wanted.set(k, r);
    }
    if (!wanted.size) return;
    const rows = [...wanted.values()];
    const found = await tx.query<{
      id: number;
      market_id: string;
      commodity_id: string;
      price_type: string;
      unit: string;
      currency: string;
    }>(
      `WITH k AS (
         SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
           AS k(market_id, commodity_id, price_type, unit, currency)),
       made AS (
         INSERT INTO series (country, source_id, market_id, commodity_id, price_type, unit, currency)
         SELECT $1, $2, market_id, commodity_id, price_type, unit, currency FROM k
         ON CONFLICT DO NOTHING
         RETURNING id, market_id, commodity_id, price_type, unit, currency)
       SELECT * FROM made
       UNION ALL
       SELECT s.id, s.market_id, s.commodity_id, s.price_type, s.unit, s.currency
       FROM series s JOIN k ON s.country = $1 AND s.commodity_id = k.commodity_id
         AND s.market_id = k.market_id AND s.source_id = $2 AND s.price_type = k.price_type
         AND s.unit = k.unit AND s.currency = k.currency`,
      country,
      sourceId,
      rows.map((r) => r.marketId),
      rows.map((r) => r.commodityId),
      rows.map((r) => r.priceType ?? 'retail'),
      rows.map((r) => r.unit),
      rows.map((r) => r.currency),
    );
    for (const f of found)
      ids.set(
        seriesKeyOf(country, f.market_id, f.commodity_id, f.price_type, f.unit, f.currency),
        f.id,
      );
  }

  // Every market of a straight-stored batch must exist and be in the write's country (the row's
  // country is written as given, not read from the market). Each market is looked up once.
  private async checkMarkets(
    tx: SqlTx,
    batch: ObservationInput[],
    country: string,
    checked: Set<string>,
  ): Promise<void> {
    const fresh = [...new Set(batch.map((r) => r.marketId))].filter((id) => !checked.has(id));
    if (!fresh.length) return;
    const found = await tx.query<{ id: string; country: string }>(
      'SELECT id, country FROM market WHERE id = ANY($1::text[])',
      fresh,
    );
    const countryOf = new Map(found.map((m) => [m.id, m.country]));
    const unknown = fresh.filter((id) => !countryOf.has(id));
    if (unknown.length)
      throw new Error(
        `unknown market id(s): ${unknown.slice(0, 5).join(', ')} (not in the market table)`,
      );
    const elsewhere = fresh.filter((id) => countryOf.get(id) !== country);
    if (elsewhere.length)
      throw new Error(
        `market id(s) ${elsewhere.slice(0, 5).join(', ')} are not in ${country}, the write's country`,
      );
    for (const id of fresh) checked.add(id);
  }

  // The staged rows' series, made where new (their country is the market's): the rows whose
  // series exists are left out before the DISTINCT (an unchanged re-import of WFP's global file,
  // 990,000 rows: 2.5 s when every staged row went through the DISTINCT). `countries`: the staged
  // rows' countries, where known.
  private async makeStagedSeries(tx: SqlTx, sourceId: string, countries?: string[]): Promise<void> {
    await tx.execute(
      `INSERT INTO series (country, source_id, market_id, commodity_id, price_type, unit, currency)
       SELECT m.country, $1, s.market_id, s.commodity_id, s.price_type, s.unit, s.currency
       FROM (SELECT DISTINCT market_id, commodity_id, price_type, unit, currency FROM obs_stage) s
       JOIN market m ON m.id = s.market_id
       WHERE ${countries ? 'm.country = ANY($2::text[]) AND ' : ''}NOT EXISTS (
         SELECT 1 FROM series x WHERE x.country = m.country AND x.commodity_id = s.commodity_id
           AND x.market_id = s.market_id AND x.source_id = $1 AND x.price_type = s.price_type
           AND x.unit = s.unit AND x.currency = s.currency)
       ON CONFLICT DO NOTHING`,
      sourceId,
      ...(countries ? [countries] : []),
    );
  }

  private async distinctStagedKeys(tx: SqlTx): Promise<number> {
    const [{ n }] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT DISTINCT ${KEY} FROM obs_stage) k`,
    );
    return n;
  }

  // `countries`: the staged rows' countries; with them, staged rows equal to their stored row are
  // left out before the INSERT meets them
  private async upsert(
    tx: SqlTx,
    sourceId: string,
    runId: number,
    from: string,
    provenance: Provenance,
    countries?: string[],
  ): Promise<{ inserted: number; updated: number }> {
    const changedOnly = countries
      ? `LEFT JOIN series_point p ON p.series_id = x.id AND p.survey_date = s.survey_date
         WHERE p.id IS NULL OR p.value <> s.value OR p.flag <> s.flag::"ObservationFlag"`
      : '';
    const [counts] = await tx.query<{ inserted: number; updated: number }>(
      `WITH written AS (
         INSERT INTO series_point AS o
           (series_id, survey_date, period_start, period_end, value, usd_value, price_flag, raw_value,
            source_url, fetched_at, parser_version, flag, quality_notes, run_id)
         SELECT x.id, s.survey_date, s.period_start, s.period_end, s.value, s.usd_value, s.price_flag,
                s.raw_value, coalesce(s.source_url, $3), coalesce(s.fetched_at, $4::timestamptz),
                coalesce(s.parser_version, $5), s.flag::"ObservationFlag", s.quality_notes, $2::int
         FROM ${from} s JOIN market m ON m.id = s.market_id
         JOIN series x ON x.country = m.country AND x.commodity_id = s.commodity_id
           AND x.market_id = s.market_id AND x.source_id = $1 AND x.price_type = s.price_type
           AND x.unit = s.unit AND x.currency = s.currency
           ${countries ? 'AND x.country = ANY($6::text[])' : ''}
         ${changedOnly}
         ON CONFLICT (series_id, survey_date) DO UPDATE SET
           value = excluded.value, raw_value = excluded.raw_value, flag = excluded.flag,
           usd_value = excluded.usd_value, price_flag = excluded.price_flag,
           period_start = excluded.period_start, period_end = excluded.period_end,
           source_url = excluded.source_url, fetched_at = excluded.fetched_at,
           parser_version = excluded.parser_version, quality_notes = excluded.quality_notes,
           run_id = excluded.run_id, updated_at = now()
         WHERE o.value <> excluded.value OR o.flag <> excluded.flag
         RETURNING xmax = 0 AS inserted)
       SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
              count(*) FILTER (WHERE NOT inserted)::int AS updated
       FROM written`,
      sourceId,
      runId,
      provenance.sourceUrl,
      provenance.fetchedAt.toISOString(),
      provenance.parserVersion,
      ...(countries ? [countries] : []),
    );
    return counts;
  }
}
