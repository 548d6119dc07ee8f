import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';

export interface ObservationFilter {
  commodities?: string[];
  markets?: string[];
  sources?: string[];
  from?: string;
  to?: string;
}

export interface ObservationRow {
  date: string;
  periodEnd: string | null;
  market: string;
  commodity: string;
  value: number;
  unit: string;
  currency: string;
  source: string;
  flag: string;
}

export interface PageCursor {
  date: string;
  market: string;
  commodity: string;
  source: string;
}

export interface SeriesPoint {
  date: string;
  market: string;
  value: number;
  source: string;
}

// Sources in order of preference when two publish the same market, item and date. The analysis
// uses the first one that has the value; the raw observations of every source stay queryable.
export const SOURCE_PREFERENCE = ['dailynk-sheet'];

export class UnknownIdError extends Error {
  constructor(
    readonly parameter: string,
    readonly unknown: string[],
    readonly known: string[],
  ) {
    super(
      `${parameter}: unknown id${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${known.join(', ')})`,
    );
  }
}

const day = (d: Date | null): string | null => (d ? d.toISOString().slice(0, 10) : null);
const toDate = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

// The only reader of observations.
@Injectable()
export class PricesService {
  constructor(private readonly prisma: PrismaService) {}

  listMarkets() {
    return this.prisma.market.findMany({ orderBy: { id: 'asc' } });
  }

  listCommodities() {
    return this.prisma.commodity.findMany({ orderBy: { id: 'asc' } });
  }

  // Throws UnknownIdError naming the query parameter when an id is not in the table.
  async assertKnown(
    parameter: string,
    table: 'market' | 'commodity' | 'source',
    ids: string[] | undefined,
  ): Promise<void> {
    if (!ids?.length) return;
    const rows: { id: string }[] =
      table === 'market'
        ? await this.prisma.market.findMany({ select: { id: true } })
        : table === 'commodity'
          ? await this.prisma.commodity.findMany({ select: { id: true } })
          : await this.prisma.source.findMany({ select: { id: true } });
    const known = rows.map((r) => r.id).sort();
    const unknown = ids.filter((id) => !known.includes(id));
    if (unknown.length) throw new UnknownIdError(parameter, unknown, known);
  }

  private where(f: ObservationFilter): Prisma.ObservationWhereInput {
    return {
      ...(f.commodities?.length ? { commodityId: { in: f.commodities } } : {}),
      ...(f.markets?.length ? { marketId: { in: f.markets } } : {}),
      ...(f.sources?.length ? { sourceId: { in: f.sources } } : {}),
      ...(f.from || f.to
        ? {
            surveyDate: {
              ...(f.from ? { gte: toDate(f.from) } : {}),
              ...(f.to ? { lte: toDate(f.to) } : {}),
            },
          }
        : {}),
    };
  }

  // One page in the order (date, market, commodity, source), the observation key's order, so a
  // cursor is the last row's key and pages never skip or repeat rows while data is added.
  async page(
    f: ObservationFilter,
    limit: number,
    after?: PageCursor,
  ): Promise<{ rows: ObservationRow[]; next?: PageCursor }> {
    const keyset: Prisma.ObservationWhereInput | undefined = after && {
      OR: [
        { surveyDate: { gt: toDate(after.date) } },
        { surveyDate: toDate(after.date), marketId: { gt: after.market } },
        {
          surveyDate: toDate(after.date),
          marketId: after.market,
          commodityId: { gt: after.commodity },
        },
        {
          surveyDate: toDate(after.date),
          marketId: after.market,
          commodityId: after.commodity,
          sourceId: { gt: after.source },
        },
      ],
    };
    const found = await this.prisma.observation.findMany({
      where: keyset ? { AND: [this.where(f), keyset] } : this.where(f),
      orderBy: [
        { surveyDate: 'asc' },
        { marketId: 'asc' },
        { commodityId: 'asc' },
        { sourceId: 'asc' },
      ],
      take: limit + 1,
      select: {
        surveyDate: true,
        periodEnd: true,
        marketId: true,
        commodityId: true,
        value: true,
        unit: true,
        currency: true,
        sourceId: true,
        flag: true,
      },
    });
    const rows = found.slice(0, limit).map((o) => ({
      date: day(o.surveyDate) as string,
      periodEnd: day(o.periodEnd),
      market: o.marketId,
      commodity: o.commodityId,
      value: o.value,
      unit: o.unit,
      currency: o.currency,
      source: o.sourceId,
      flag: o.flag,
    }));
    const last = rows[rows.length - 1];
    const next =
      found.length > limit && last
        ? { date: last.date, market: last.market, commodity: last.commodity, source: last.source }
        : undefined;
    return { rows, next };
  }

  // Every page in turn, for exports: memory stays one page whatever the size of the result.
  async *iterate(
    f: ObservationFilter,
    pageSize = 5000,
    max = Infinity,
  ): AsyncGenerator<ObservationRow[]> {
    let after: PageCursor | undefined;
    let left = max;
    while (left > 0) {
      const { rows, next } = await this.page(f, Math.min(pageSize, left), after);
      if (rows.length) yield rows;
      left -= rows.length;
      if (!next) return;
      after = next;
    }
  }

  // One value per (market, date) for a commodity: the most preferred source's, or the given source's.
  async series(
    commodity: string,
    opts: { markets?: string[]; from?: string; to?: string; source?: string },
  ): Promise<SeriesPoint[]> {
    const rows = await this.prisma.observation.findMany({
      where: this.where({
        commodities: [commodity],
        markets: opts.markets,
        sources: opts.source ? [opts.source] : undefined,
        from: opts.from,
        to: opts.to,
      }),
      select: { surveyDate: true, marketId: true, value: true, sourceId: true },
      orderBy: [{ surveyDate: 'asc' }, { marketId: 'asc' }],
    });
    const rank = (s: string): number => {
      const i = SOURCE_PREFERENCE.indexOf(s);
      return i < 0 ? SOURCE_PREFERENCE.length : i;
    };
    const best = new Map<string, SeriesPoint>();
    for (const r of rows) {
      const date = day(r.surveyDate) as string;
      const k = `${date}|${r.marketId}`;
      const cur = best.get(k);
      if (!cur || rank(r.sourceId) < rank(cur.source)) {
        best.set(k, { date, market: r.marketId, value: r.value, source: r.sourceId });
      }
    }
    return [...best.values()];
  }

  async counts(): Promise<{
    observations: number;
    revisions: number;
    markets: number;
    commodities: number;
    sources: number;
  }> {
    const [observations, revisions, markets, commodities, sources] = await Promise.all([
      this.prisma.observation.count(),
      this.prisma.observationRevision.count(),
      this.prisma.market.count(),
      this.prisma.commodity.count(),
      this.prisma.source.count(),
    ]);
    return { observations, revisions, markets, commodities, sources };
  }
}
