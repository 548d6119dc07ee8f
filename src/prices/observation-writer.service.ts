import { Injectable } from '@nestjs/common';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
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

const KEY_MATCH = `o.source_id = $1 AND o.market_id = s.market_id AND o.commodity_id = s.commodity_id
  AND o.price_type = s.price_type AND o.unit = s.unit AND o.survey_date = s.survey_date`;
const CHANGED = `(o.value <> s.value OR o.flag::text <> s.flag)`;

// The only writer of observations. Idempotent by the key (source, market, commodity, price type,
// unit, survey date); the country is the market's:
// a new key is inserted, an equal value is left alone, a changed value is updated and its previous
// value kept as a revision. Everything of one call is one transaction.
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
const copyField = (v: string | number | null): string =>
  v === null
    ? '\\N'
    : typeof v === 'number'
      ? String(v)
      : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

const copyLines = (batch: ObservationInput[]): string =>
  batch
    .map((r) => {
      const row = stageRow(r);
      return STAGE_COLUMNS.map((c) => copyField(row[c])).join('\t');
    })
    .join('\n') + '\n';

export interface WriteOptions {
  // runs last inside the transaction: a check that may refuse the commit (the caller's source
  // lease), so a run that lost its right to write rolls back whole
  fence?: (tx: SqlTx) => Promise<void>;
  // runs before each batch is staged, in the same transaction (reference rows the batch needs)
  prepare?: (tx: SqlTx, batch: ObservationInput[]) => Promise<void>;
}

// The only writer of observations. Idempotent by the key (source, market, commodity, price type,
// unit, survey date); the country is the market's: a new key is inserted, an equal value is left
// alone, a changed value is updated and its previous value kept as a revision. Everything of one
// call is one transaction. Rows are staged in a temporary table as they arrive (memory holds one
// batch whatever the total): by COPY on a PostgreSQL server, by JSON statements on PGlite; then
// set-based statements apply them.
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
      try {
        await client.query('BEGIN');
        const counts = await this.apply(pgTx(client), sourceId, runId, batches, opts, (batch) =>
          this.copyStage(client, batch),
        );
        await client.query('COMMIT');
        return counts;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    }
    return this.prisma.$transaction(
      async (ptx) => {
        const tx = prismaTx(ptx);
        return this.apply(tx, sourceId, runId, batches, opts, (batch) => this.jsonStage(tx, batch));
      },
      { timeout: 30 * 60_000, maxWait: 60_000 },
    );
  }

  private async copyStage(client: PoolClient, batch: ObservationInput[]): Promise<void> {
    await pipeline(
      Readable.from([copyLines(batch)]),
      client.query(copyFrom(`COPY obs_stage (${STAGE_COLUMNS.join(', ')}) FROM STDIN`)),
    );
  }

  private async jsonStage(tx: SqlTx, batch: ObservationInput[]): Promise<void> {
    for (let i = 0; i < batch.length; i += CHUNK) {
      await tx.execute(
        `INSERT INTO obs_stage (${STAGE_COLUMNS.join(', ')})
         SELECT ${STAGE_COLUMNS.join(', ')}
         FROM json_populate_recordset(NULL::obs_stage, $1::json)`,
        JSON.stringify(batch.slice(i, i + CHUNK).map(stageRow)),
      );
    }
  }

  private async apply(
    tx: SqlTx,
    sourceId: string,
    runId: number,
    batches: AsyncIterable<ObservationInput[]> | Iterable<ObservationInput[]>,
    opts: WriteOptions,
    stage: (batch: ObservationInput[]) => Promise<void>,
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
      await opts.prepare?.(tx, batch);
      await stage(batch);
      staged += batch.length;
    }
    if (staged === 0) return counts;
    // a temporary table is never auto-analyzed: without statistics the joins below are planned blind
    await tx.execute('ANALYZE obs_stage');
    // within one write the last value for a key wins; the earlier ones count as duplicates
    counts.duplicates = await tx.execute(
      `DELETE FROM obs_stage a USING obs_stage b
       WHERE a.market_id = b.market_id AND a.commodity_id = b.commodity_id AND a.price_type = b.price_type
         AND a.unit = b.unit AND a.survey_date = b.survey_date AND a.seq < b.seq`,
    );
    // every market must exist (the country comes from it): refuse rather than drop rows
    const orphans = await tx.query<{ market_id: string }>(
      `SELECT DISTINCT s.market_id FROM obs_stage s LEFT JOIN market m ON m.id = s.market_id
       WHERE m.id IS NULL LIMIT 5`,
    );
    if (orphans.length)
      throw new Error(
        `unknown market id(s): ${orphans.map((o) => o.market_id).join(', ')} (not in the market table)`,
      );
    await tx.execute(
      `INSERT INTO observation_revision
         (observation_id, previous_value, previous_raw_value, previous_fetched_at, new_value, run_id)
       SELECT o.id, o.value, o.raw_value, o.fetched_at, s.value, $2::int
       FROM obs_stage s JOIN observation o ON ${KEY_MATCH}
       WHERE ${CHANGED}`,
      sourceId,
      runId,
    );
    counts.updated = await tx.execute(
      `UPDATE observation o SET
         value = s.value, raw_value = s.raw_value, flag = s.flag::"ObservationFlag",
         currency = s.currency, usd_value = s.usd_value, price_flag = s.price_flag,
         period_start = s.period_start, period_end = s.period_end,
         source_url = s.source_url, fetched_at = s.fetched_at, parser_version = s.parser_version,
         quality_notes = s.quality_notes, run_id = $2::int, updated_at = now()
       FROM obs_stage s
       WHERE ${KEY_MATCH} AND ${CHANGED}`,
      sourceId,
      runId,
    );
    counts.inserted = await tx.execute(
      `INSERT INTO observation
         (country, source_id, market_id, commodity_id, survey_date, period_start, period_end, value,
          unit, price_type, currency, usd_value, price_flag, raw_value, source_url, fetched_at,
          parser_version, flag, quality_notes, run_id)
       SELECT m.country, $1, s.market_id, s.commodity_id, s.survey_date, s.period_start, s.period_end,
              s.value, s.unit, s.price_type, s.currency, s.usd_value, s.price_flag, s.raw_value,
              s.source_url, s.fetched_at, s.parser_version, s.flag::"ObservationFlag",
              s.quality_notes, $2::int
       FROM obs_stage s JOIN market m ON m.id = s.market_id
       ON CONFLICT (source_id, market_id, commodity_id, price_type, unit, survey_date) DO NOTHING`,
      sourceId,
      runId,
    );
    counts.unchanged = staged - counts.duplicates - counts.inserted - counts.updated;
    await failpoint('observations:staged');
    await opts.fence?.(tx);
    await failpoint('observations:before-commit');
    return counts;
  }
}
