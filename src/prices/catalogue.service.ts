import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { DataVersionService } from './data-version.service';
import { observationWhere } from './observation-filter';

export interface StoredCounts {
  observations: number;
  revisions: number;
  markets: number;
  commodities: number;
  sources: number;
  mobileSeriesPoints: number;
}

export interface SeriesChoice {
  unit: string;
  priceType: string;
  currency: string; // one series never mixes currencies: the same unit in two currencies is two
  observations: number;
}

// What the store holds, for the reference endpoints, health and the analysis's choices: countries,
// markets, commodities, each country's series, credits and counts. The answers that count every
// observation are kept until the data change (DataVersionService).
@Injectable()
export class CatalogueService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly version: DataVersionService,
  ) {}

  // Observations per source (a full count at country scale: kept until the data change).
  observationsBySource(): Promise<Map<string, number>> {
    return this.version.whileUnchanged('by-source', async () => {
      const rows = await this.prisma.$queryRawUnsafe<{ source: string; n: number }[]>(
        'SELECT source_id AS source, count(*)::int AS n FROM observation GROUP BY source_id',
      );
      return new Map(rows.map((r) => [r.source, r.n]));
    });
  }

  listMarkets(country?: string) {
    return this.prisma.market.findMany({
      where: country ? { country } : {},
      orderBy: { id: 'asc' },
    });
  }

  // Every country with its numbers: observations, markets, commodities, and the date range.
  async listCountries(): Promise<
    {
      iso3: string;
      name: string;
      observations: number;
      markets: number;
      commodities: number;
      from: string | null;
      to: string | null;
      subscriptionYears: number;
    }[]
  > {
    return this.version.whileUnchanged('countries', () =>
      this.prisma.$queryRawUnsafe(
        `SELECT c.iso3, c.name, count(o.id)::int AS observations,
              (SELECT count(*)::int FROM mobile_series_point p
                WHERE p.country = c.iso3 AND p.series = 'itu_subscriptions_per_100') AS "subscriptionYears",
              (SELECT count(*)::int FROM market m WHERE m.country = c.iso3) AS markets,
              count(DISTINCT o.commodity_id)::int AS commodities,
              to_char(min(o.survey_date), 'YYYY-MM-DD') AS "from", to_char(max(o.survey_date), 'YYYY-MM-DD') AS "to"
       FROM country c LEFT JOIN observation o ON o.country = c.iso3
       GROUP BY c.iso3, c.name ORDER BY c.iso3`,
      ),
    );
  }

  // The (unit, price type) series of every commodity in a country.
  async seriesByCommodity(country: string): Promise<Map<string, SeriesChoice[]>> {
    return this.version.whileUnchanged(`series:${country}`, () => this.readSeries(country));
  }

  private async readSeries(country: string): Promise<Map<string, SeriesChoice[]>> {
    const rows = await this.prisma.$queryRawUnsafe<
      {
        commodity: string;
        unit: string;
        priceType: string;
        currency: string;
        observations: number;
      }[]
    >(
      `SELECT commodity_id AS commodity, unit, price_type AS "priceType", currency,
              count(*)::int AS observations
       FROM observation WHERE country = $1 GROUP BY commodity_id, unit, price_type, currency
       ORDER BY commodity_id, count(*) DESC, unit, price_type, currency`,
      country,
    );
    const out = new Map<string, SeriesChoice[]>();
    for (const r of rows)
      out.set(r.commodity, [
        ...(out.get(r.commodity) ?? []),
        {
          unit: r.unit,
          priceType: r.priceType,
          currency: r.currency,
          observations: r.observations,
        },
      ]);
    return out;
  }

  // The currencies of one series, most observations first (a label's "KES/kg"); kept until the
  // data change, as every report asks.
  seriesCurrencies(
    commodity: string,
    country: string,
    unit?: string,
    priceType?: string,
  ): Promise<string[]> {
    return this.version.whileUnchanged(
      `currencies:${JSON.stringify([commodity, country, unit, priceType])}`,
      () => this.readCurrencies(commodity, country, unit, priceType),
    );
  }

  private async readCurrencies(
    commodity: string,
    country: string,
    unit?: string,
    priceType?: string,
  ): Promise<string[]> {
    const params: unknown[] = [];
    const where = observationWhere(
      {
        country,
        commodities: [commodity],
        units: unit ? [unit] : undefined,
        priceTypes: priceType ? [priceType] : undefined,
      },
      params,
    );
    const rows = await this.prisma.$queryRawUnsafe<{ currency: string }[]>(
      `SELECT currency FROM observation WHERE ${where} GROUP BY currency ORDER BY count(*) DESC, currency`,
      ...params,
    );
    return rows.map((r) => r.currency);
  }

  // The credit line of each source, to show wherever its numbers are shown.
  async sourceCredits(ids: string[]): Promise<{ source: string; credit: string }[]> {
    const rows = await this.prisma.source.findMany({
      where: { id: { in: ids } },
      select: { id: true, credit: true },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => ({ source: r.id, credit: r.credit }));
  }

  listCommodities() {
    return this.prisma.commodity.findMany({ orderBy: { id: 'asc' } });
  }

  // A commodity's (unit, price type) series in a country, most observations first (from the series
  // list kept until the data change: every analysis request asks).
  async seriesChoices(commodity: string, country: string): Promise<SeriesChoice[]> {
    return (await this.seriesByCommodity(country)).get(commodity) ?? [];
  }

  // Row counts of the stored data in one statement (health asks on every poll; one query waits in
  // line once, where five would wait five times behind other clients' queries).
  async counts(): Promise<StoredCounts> {
    const [row] = await this.prisma.$queryRawUnsafe<StoredCounts[]>(
      `SELECT (SELECT count(*)::int FROM observation) AS observations,
              (SELECT count(*)::int FROM observation_revision) AS revisions,
              (SELECT count(*)::int FROM market) AS markets,
              (SELECT count(*)::int FROM commodity) AS commodities,
              (SELECT count(*)::int FROM source) AS sources,
              (SELECT count(*)::int FROM mobile_series_point) AS "mobileSeriesPoints"`,
    );
    return row;
  }
}
