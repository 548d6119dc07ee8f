import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { failpoint } from '../common/failpoint';
import type { Prisma } from '../generated/prisma/client';
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
@Injectable()
export class ObservationWriterService {
  constructor(private readonly prisma: PrismaService) {}

  // `fence` runs last inside the transaction: a check that may refuse the commit (the caller's
  // source lease), so a run that lost its right to write rolls back whole.
  async write(
    sourceId: string,
    runId: number,
    rows: ObservationInput[],
    fence?: (tx: Prisma.TransactionClient) => Promise<void>,
  ): Promise<WriteCounts> {
    return this.writeStream(sourceId, runId, [rows], { fence });
  }

  // The same for rows that arrive in batches (a file read as a stream): each batch is staged as it
  // comes, so memory holds one batch whatever the total; everything is still one transaction.
  async writeStream(
    sourceId: string,
    runId: number,
    batches: AsyncIterable<ObservationInput[]> | Iterable<ObservationInput[]>,
    opts: {
      fence?: (tx: Prisma.TransactionClient) => Promise<void>;
      // runs before each batch is staged, in the same transaction (reference rows the batch needs)
      prepare?: (tx: Prisma.TransactionClient, batch: ObservationInput[]) => Promise<void>;
    } = {},
  ): Promise<WriteCounts> {
    const { fence, prepare } = opts;
    const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, duplicates: 0 };
    let staged = 0;

    // Set-based, in one transaction: stage the rows in a temporary table (JSON in, one statement per
    // chunk), drop repeated keys (the last one wins), then keep revisions, update changed values and
    // insert new keys with three statements. Plain PostgreSQL, the same on PGlite and a server.
    await this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`CREATE TEMP TABLE obs_stage (
          market_id text, commodity_id text, survey_date date, period_start date, period_end date,
          value float8, unit text, price_type text, currency text, usd_value float8, price_flag text,
          raw_value text, source_url text, fetched_at timestamptz,
          parser_version text, flag text, quality_notes text, seq bigserial) ON COMMIT DROP`);
        for await (const batch of batches) {
          await prepare?.(tx, batch);
          for (let i = 0; i < batch.length; i += CHUNK) {
            const chunk = batch.slice(i, i + CHUNK);
            staged += chunk.length;
            const json = JSON.stringify(
              chunk.map((r) => ({
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
              })),
            );
            await tx.$executeRawUnsafe(
              `INSERT INTO obs_stage (market_id, commodity_id, survey_date, period_start, period_end, value,
                 unit, price_type, currency, usd_value, price_flag, raw_value, source_url, fetched_at,
                 parser_version, flag, quality_notes)
               SELECT market_id, commodity_id, survey_date, period_start, period_end, value, unit,
                 price_type, currency, usd_value, price_flag, raw_value, source_url, fetched_at,
                 parser_version, flag, quality_notes
               FROM json_populate_recordset(NULL::obs_stage, $1::json)`,
              json,
            );
          }
        }
        if (staged === 0) return;
        // within one write the last value for a key wins; the earlier ones count as duplicates
        counts.duplicates = await tx.$executeRawUnsafe(
          `DELETE FROM obs_stage a USING obs_stage b
           WHERE a.market_id = b.market_id AND a.commodity_id = b.commodity_id AND a.price_type = b.price_type
             AND a.unit = b.unit AND a.survey_date = b.survey_date AND a.seq < b.seq`,
        );
        // every market must exist (the country comes from it): refuse rather than drop rows
        const orphans = await tx.$queryRawUnsafe<{ market_id: string }[]>(
          `SELECT DISTINCT s.market_id FROM obs_stage s LEFT JOIN market m ON m.id = s.market_id
           WHERE m.id IS NULL LIMIT 5`,
        );
        if (orphans.length)
          throw new Error(
            `unknown market id(s): ${orphans.map((o) => o.market_id).join(', ')} (not in the market table)`,
          );
        await tx.$executeRawUnsafe(
          `INSERT INTO observation_revision
             (observation_id, previous_value, previous_raw_value, previous_fetched_at, new_value, run_id)
           SELECT o.id, o.value, o.raw_value, o.fetched_at, s.value, $2::int
           FROM obs_stage s JOIN observation o ON ${KEY_MATCH}
           WHERE ${CHANGED}`,
          sourceId,
          runId,
        );
        counts.updated = await tx.$executeRawUnsafe(
          `UPDATE observation o SET
             value = s.value, raw_value = s.raw_value, flag = s.flag::"ObservationFlag",
             currency = s.currency, usd_value = s.usd_value, price_flag = s.price_flag, period_start = s.period_start, period_end = s.period_end,
             source_url = s.source_url, fetched_at = s.fetched_at, parser_version = s.parser_version,
             quality_notes = s.quality_notes, run_id = $2::int, updated_at = now()
           FROM obs_stage s
           WHERE ${KEY_MATCH} AND ${CHANGED}`,
          sourceId,
          runId,
        );
        counts.inserted = await tx.$executeRawUnsafe(
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
        await fence?.(tx);
        await failpoint('observations:before-commit');
      },
      { timeout: 30 * 60_000, maxWait: 60_000 },
    );
    return counts;
  }
}
