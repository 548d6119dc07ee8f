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
  currency: string;
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

const keyOf = (r: ObservationInput): string => `${r.marketId}|${r.commodityId}|${r.surveyDate}`;

// Rows per staging statement: bounds the JSON text sent at once (about 300 bytes a row).
const CHUNK = 10_000;

const KEY_MATCH = `o.source_id = $1 AND o.market_id = s.market_id AND o.commodity_id = s.commodity_id AND o.survey_date = s.survey_date`;
const CHANGED = `(o.value <> s.value OR o.flag::text <> s.flag)`;

// The only writer of observations. Idempotent by the key (source, market, commodity, survey date):
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
    const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, duplicates: 0 };
    // Within one batch the last value for a key wins; the earlier ones count as duplicates.
    const byKey = new Map<string, ObservationInput>();
    for (const r of rows) {
      const k = keyOf(r);
      if (byKey.has(k)) counts.duplicates++;
      byKey.set(k, r);
    }
    if (byKey.size === 0) return counts;
    const batch = [...byKey.values()];

    // Set-based, in one transaction: stage the batch in a temporary table (JSON in, one statement per
    // chunk), then keep revisions, update changed values and insert new keys with three statements.
    // Plain PostgreSQL, the same on PGlite and a server; far faster than row-by-row ORM calls.
    await this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`CREATE TEMP TABLE obs_stage (
          market_id text, commodity_id text, survey_date date, period_start date, period_end date,
          value float8, unit text, currency text, raw_value text, source_url text, fetched_at timestamptz,
          parser_version text, flag text, quality_notes text) ON COMMIT DROP`);
        for (let i = 0; i < batch.length; i += CHUNK) {
          const json = JSON.stringify(
            batch.slice(i, i + CHUNK).map((r) => ({
              market_id: r.marketId,
              commodity_id: r.commodityId,
              survey_date: r.surveyDate,
              period_start: r.periodStart ?? null,
              period_end: r.periodEnd ?? null,
              value: r.value,
              unit: r.unit,
              currency: r.currency,
              raw_value: r.rawValue,
              source_url: r.sourceUrl,
              fetched_at: r.fetchedAt.toISOString(),
              parser_version: r.parserVersion,
              flag: r.flag,
              quality_notes: r.qualityNotes ?? null,
            })),
          );
          await tx.$executeRawUnsafe(
            'INSERT INTO obs_stage SELECT * FROM json_populate_recordset(NULL::obs_stage, $1::json)',
            json,
          );
        }
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
             value = s.value, raw_value = s.raw_value, flag = s.flag::"ObservationFlag", unit = s.unit,
             currency = s.currency, period_start = s.period_start, period_end = s.period_end,
             source_url = s.source_url, fetched_at = s.fetched_at, parser_version = s.parser_version,
             quality_notes = s.quality_notes, run_id = $2::int, updated_at = now()
           FROM obs_stage s
           WHERE ${KEY_MATCH} AND ${CHANGED}`,
          sourceId,
          runId,
        );
        counts.inserted = await tx.$executeRawUnsafe(
          `INSERT INTO observation
             (source_id, market_id, commodity_id, survey_date, period_start, period_end, value, unit,
              currency, raw_value, source_url, fetched_at, parser_version, flag, quality_notes, run_id)
           SELECT $1, s.market_id, s.commodity_id, s.survey_date, s.period_start, s.period_end, s.value,
                  s.unit, s.currency, s.raw_value, s.source_url, s.fetched_at, s.parser_version,
                  s.flag::"ObservationFlag", s.quality_notes, $2::int
           FROM obs_stage s
           ON CONFLICT (source_id, market_id, commodity_id, survey_date) DO NOTHING`,
          sourceId,
          runId,
        );
        counts.unchanged = batch.length - counts.inserted - counts.updated;
        await failpoint('observations:staged');
        await fence?.(tx);
        await failpoint('observations:before-commit');
      },
      { timeout: 10 * 60_000, maxWait: 60_000 },
    );
    return counts;
  }
}
