import { Injectable } from '@nestjs/common';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom, CopyStreamQuery } from 'pg-copy-streams';
import { PrismaService } from '../database/prisma.service';
import { pgTx, prismaTx, SqlTx } from './sql-tx';
import { failpoint } from '../common/failpoint';
import { ObservationFlag } from '../generated/prisma/enums';

// An observation ready to store: what the parser read plus where and when it was fetched.
export interface ObservationInput {
  marketId: string;
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

// Rows per staging statement: bounds the JSON text sent at once (about 300 bytes a row).
const CHUNK = 10_000;

// The key within one source's write (the source is the write's own).
const KEY = 'market_id, commodity_id, price_type, unit, survey_date';

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

const stageRow = (r: ObservationInput) => ({
  market_id: r.marketId,
  commodity_id: r.commodityId,
  survey_date: r.surveyDate,
  period_start: r.periodStart ?? null,
  period_end: r.periodEnd ?? null,
  value: r.value,
  unit: r.unit,
  price_type: r.priceType ?? 'retail',
  currency: r.currency,
  usd_value: r.usdValue ?? null,
  price_flag: r.priceFlag ?? null,
  raw_value: r.rawValue,
  source_url: r.sourceUrl,
  fetched_at: r.fetchedAt.toISOString(),
  parser_version: r.parserVersion,
  flag: r.flag,
  quality_notes: r.qualityNotes ?? null,
});

// COPY's text format: tab-separated, \N for null, backslash escapes for \, tab, newline, return.
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const copyText = (v: string | null | undefined): string =>
  v === null || v === undefined
    ? '\\N'
    : NEEDS_ESCAPE.test(v)
      ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
      : v;
const copyNumber = (v: number | null | undefined): string =>
  v === null || v === undefined ? '\\N' : String(v);

// One batch as COPY lines, in STAGE_COLUMNS order, written directly (this runs once per row of a
// country-scale import): no intermediate object per row, one ISO string per distinct fetch time.
function copyLines(batch: ObservationInput[]): string {
  let out = '';
  let lastFetched: Date | undefined;
  let fetchedIso = '';
  for (const r of batch) {
    if (r.fetchedAt !== lastFetched) {
      lastFetched = r.fetchedAt;
      fetchedIso = r.fetchedAt.toISOString();
    }
    const t = copyText;
    out += `${t(r.marketId)}\t${t(r.commodityId)}\t${r.surveyDate}\t${t(r.periodStart)}\t${t(r.periodEnd)}\t${copyNumber(r.value)}\t${t(r.unit)}\t${t(r.priceType ?? 'retail')}\t${t(r.currency)}\t${copyNumber(r.usdValue)}\t${t(r.priceFlag)}\t${t(r.rawValue)}\t${t(r.sourceUrl)}\t${fetchedIso}\t${t(r.parserVersion)}\t${r.flag}\t${t(r.qualityNotes)}\n`;
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
}

// Fills the stage as batches arrive; end() once the last is in.
interface Stager {
  add(batch: ObservationInput[]): Promise<void>;
  end(): Promise<void>;
}

// PostgreSQL: one COPY ... FROM STDIN for the whole write, fed batch by batch. A batch is handed to
// the socket and the parser goes on with the next while the server reads it (the wait for the
// socket to drain comes before the next batch, not after this one), so parsing and loading overlap.
function copyStager(client: PoolClient): Stager {
  let copy: CopyStreamQuery | undefined;
  let failed: Error | undefined;
  let drained: Promise<unknown> | undefined;
  return {
    async add(batch) {
      if (!copy) {
        copy = client.query(copyFrom(`COPY obs_stage (${STAGE_COLUMNS.join(', ')}) FROM STDIN`));
        copy.on('error', (err: Error) => (failed ??= err));
      }
      await drained;
      if (failed) throw failed;
      drained = copy.write(copyLines(batch)) ? undefined : once(copy, 'drain');
    },
    async end() {
      if (!copy) return;
      await drained;
      if (failed) throw failed;
      copy.end();
      await finished(copy);
    },
  };
}

// PGlite: JSON statements of CHUNK rows (it runs in this thread: there is nothing to overlap).
function jsonStager(tx: SqlTx): Stager {
  return {
    async add(batch) {
      for (let i = 0; i < batch.length; i += CHUNK) {
        await tx.execute(
          `INSERT INTO obs_stage (${STAGE_COLUMNS.join(', ')})
           SELECT ${STAGE_COLUMNS.join(', ')}
           FROM json_populate_recordset(NULL::obs_stage, $1::json)`,
          JSON.stringify(batch.slice(i, i + CHUNK).map(stageRow)),
        );
      }
    },
    async end() {},
  };
}

// The only writer of observations. Idempotent by the key (source, market, commodity, price type,
// unit, survey date); the country is the market's: a new key is inserted, an equal value is left
// alone, a changed value is updated and its previous value kept as a revision. Everything of one
// call is one transaction. Rows are staged in a temporary table as they arrive (memory holds one
// batch whatever the total): by one streamed COPY on a PostgreSQL server, by JSON statements on
// PGlite; then one INSERT ... ON CONFLICT DO UPDATE applies them all (the database's triggers keep
// the revisions and check the references, set-wise).
@Injectable()
export class ObservationWriterService {
  constructor(private readonly prisma: PrismaService) {}

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
    const pool = this.prisma.rawPool();
    if (pool) {
      const client = await pool.connect();
      // a connection lost while checked out (a database restart, a failover, a terminated
      // backend) is an 'error' event on the client: kept, so the write fails and is rolled back
      // by the server, instead of an unhandled event ending the process
      let lost: Error | undefined;
      const onError = (err: Error) => (lost = err);
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const counts = await this.apply(
          pgTx(client),
          sourceId,
          runId,
          batches,
          opts,
          copyStager(client),
        );
        await client.query('COMMIT');
        return counts;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.off('error', onError);
        client.release(lost); // a lost connection is discarded, not returned to the pool
      }
    }
    return this.prisma.$transaction(
      async (ptx) => {
        const tx = prismaTx(ptx);
        return this.apply(tx, sourceId, runId, batches, opts, jsonStager(tx));
      },
      { timeout: 30 * 60_000, maxWait: 60_000 },
    );
  }

  private async apply(
    tx: SqlTx,
    sourceId: string,
    runId: number,
    batches: AsyncIterable<ObservationInput[]> | Iterable<ObservationInput[]>,
    opts: WriteOptions,
    stager: Stager,
  ): Promise<WriteCounts> {
    const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, duplicates: 0 };
    let staged = 0;
    await tx.execute(`CREATE TEMP TABLE obs_stage (
      market_id text, commodity_id text, survey_date date, period_start date, period_end date,
      value float8, unit text, price_type text, currency text, usd_value float8, price_flag text,
      raw_value text, source_url text, fetched_at timestamptz,
      parser_version text, flag text, quality_notes text, seq bigserial) ON COMMIT DROP`);
    for await (const batch of batches) {
      if (!batch.length) continue;
      await stager.add(batch);
      staged += batch.length;
    }
    await stager.end();
    if (staged === 0) return counts;
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
    // One statement per write: a new key is inserted, a changed value updated (the revision trigger
    // keeps its predecessor), an equal one left alone. A key repeated within the write makes
    // PostgreSQL refuse the statement (it cannot affect a row twice): only then is the stage
    // de-duplicated, the last row of each key winning, and the statement run again.
    await tx.execute('SAVEPOINT observation_upsert');
    let written: { inserted: number; updated: number };
    try {
      written = await this.upsert(tx, sourceId, runId, 'obs_stage');
    } catch (err) {
      if (
        (err as { code?: string }).code !== '21000' &&
        !/affect row a second time/.test(String(err))
      )
        throw err;
      await tx.execute('ROLLBACK TO SAVEPOINT observation_upsert');
      const [{ n }] = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (SELECT DISTINCT ${KEY} FROM obs_stage) k`,
      );
      counts.duplicates = staged - n;
      written = await this.upsert(
        tx,
        sourceId,
        runId,
        `(SELECT DISTINCT ON (${KEY}) * FROM obs_stage ORDER BY ${KEY}, seq DESC)`,
      );
    }
    await tx.execute('RELEASE SAVEPOINT observation_upsert');
    counts.inserted = written.inserted;
    counts.updated = written.updated;
    counts.unchanged = staged - counts.duplicates - counts.inserted - counts.updated;
    await failpoint('observations:staged');
    await opts.fence?.(tx);
    await failpoint('observations:before-commit');
    return counts;
  }

  private async upsert(
    tx: SqlTx,
    sourceId: string,
    runId: number,
    from: string,
  ): Promise<{ inserted: number; updated: number }> {
    const [counts] = await tx.query<{ inserted: number; updated: number }>(
      `WITH written AS (
         INSERT INTO observation AS o
           (country, source_id, market_id, commodity_id, survey_date, period_start, period_end, value,
            unit, price_type, currency, usd_value, price_flag, raw_value, source_url, fetched_at,
            parser_version, flag, quality_notes, run_id)
         SELECT m.country, $1, s.market_id, s.commodity_id, s.survey_date, s.period_start, s.period_end,
                s.value, s.unit, s.price_type, s.currency, s.usd_value, s.price_flag, s.raw_value,
                s.source_url, s.fetched_at, s.parser_version, s.flag::"ObservationFlag",
                s.quality_notes, $2::int
         FROM ${from} s JOIN market m ON m.id = s.market_id
         ON CONFLICT (country, commodity_id, survey_date, market_id, source_id, price_type, unit) DO UPDATE SET
           value = excluded.value, raw_value = excluded.raw_value, flag = excluded.flag,
           currency = excluded.currency, usd_value = excluded.usd_value, price_flag = excluded.price_flag,
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
    );
    return counts;
  }
}
