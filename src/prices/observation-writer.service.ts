import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';
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

const CHUNK = 5000;

const toDate = (iso: string): Date => new Date(`${iso}T00:00:00Z`);
const keyOf = (marketId: string, commodityId: string, isoDay: string): string =>
  `${marketId}|${commodityId}|${isoDay}`;

// The only writer of observations. Idempotent by the key (source, market, commodity, survey date):
// a new key is inserted, an equal value is left alone, a changed value is updated and its previous
// value kept as a revision. Everything of one call is one transaction.
@Injectable()
export class ObservationWriterService {
  constructor(private readonly prisma: PrismaService) {}

  async write(sourceId: string, runId: number, rows: ObservationInput[]): Promise<WriteCounts> {
    const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, duplicates: 0 };
    // Within one batch the last value for a key wins; the earlier ones count as duplicates.
    const byKey = new Map<string, ObservationInput>();
    for (const r of rows) {
      const k = keyOf(r.marketId, r.commodityId, r.surveyDate);
      if (byKey.has(k)) counts.duplicates++;
      byKey.set(k, r);
    }
    if (byKey.size === 0) return counts;
    const batch = [...byKey.values()];
    const dates = batch.map((r) => r.surveyDate).sort();
    const commodityIds = [...new Set(batch.map((r) => r.commodityId))];

    await this.prisma.$transaction(
      async (tx) => {
        const existing = await tx.observation.findMany({
          where: {
            sourceId,
            commodityId: { in: commodityIds },
            surveyDate: { gte: toDate(dates[0]), lte: toDate(dates[dates.length - 1]) },
          },
          select: {
            id: true,
            marketId: true,
            commodityId: true,
            surveyDate: true,
            value: true,
            rawValue: true,
            fetchedAt: true,
            flag: true,
          },
        });
        const stored = new Map(
          existing.map((e) => [
            keyOf(e.marketId, e.commodityId, e.surveyDate.toISOString().slice(0, 10)),
            e,
          ]),
        );
        const toCreate: Prisma.ObservationCreateManyInput[] = [];
        for (const [k, r] of byKey) {
          const old = stored.get(k);
          if (!old) {
            toCreate.push({
              sourceId,
              marketId: r.marketId,
              commodityId: r.commodityId,
              surveyDate: toDate(r.surveyDate),
              periodStart: r.periodStart ? toDate(r.periodStart) : null,
              periodEnd: r.periodEnd ? toDate(r.periodEnd) : null,
              value: r.value,
              unit: r.unit,
              currency: r.currency,
              rawValue: r.rawValue,
              sourceUrl: r.sourceUrl,
              fetchedAt: r.fetchedAt,
              parserVersion: r.parserVersion,
              flag: r.flag,
              qualityNotes: r.qualityNotes ?? null,
              runId,
            });
            continue;
          }
          if (old.value === r.value && old.flag === r.flag) {
            counts.unchanged++;
            continue;
          }
          await tx.observationRevision.create({
            data: {
              observationId: old.id,
              previousValue: old.value,
              previousRawValue: old.rawValue,
              previousFetchedAt: old.fetchedAt,
              newValue: r.value,
              runId,
            },
          });
          await tx.observation.update({
            where: { id: old.id },
            data: {
              value: r.value,
              rawValue: r.rawValue,
              flag: r.flag,
              unit: r.unit,
              currency: r.currency,
              sourceUrl: r.sourceUrl,
              fetchedAt: r.fetchedAt,
              parserVersion: r.parserVersion,
              qualityNotes: r.qualityNotes ?? null,
              runId,
            },
          });
          counts.updated++;
        }
        for (let i = 0; i < toCreate.length; i += CHUNK) {
          const res = await tx.observation.createMany({ data: toCreate.slice(i, i + CHUNK) });
          counts.inserted += res.count;
        }
      },
      { timeout: 10 * 60_000, maxWait: 60_000 },
    );
    return counts;
  }
}
