import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { SOURCE_PREFERENCE } from '../sources/source-registry';
import { ObservationFilter, observationWhere } from './observation-filter';

export type { ObservationFilter } from './observation-filter';

export interface ObservationRow {
  date: string;
  periodEnd: string | null;
  country: string;
  market: string;
  commodity: string;
  priceType: string;
  value: number;
  unit: string;
  currency: string;
  usdValue: number | null;
  source: string;
  flag: string;
  priceFlag: string | null; // the publisher's own flag word (WFP: actual, aggregate, forecast)
  rawValue: string; // the text the value was read from
}

// The observation key's order: a page's last row, to continue after.
export interface PageCursor {
  date: string;
  market: string;
  commodity: string;
  source: string;
  priceType: string;
  unit: string;
}

// A series' monthly market prices, sorted by month then market: one row per market and month,
// the mean of the market's values in the month (one value per survey date, the preferred source's).
export interface MonthlySeries {
  country: string;
  commodity: string;
  unit: string;
  priceType: string;
  currency: string;
  sources: string[];
  market: string[];
  month: string[]; // YYYY-MM
  price: number[];
}

export interface SeriesPoint {
  date: string;
  market: string;
  value: number;
  source: string;
}

// The only reader of observations: pages and exports in key order, and a commodity's series for
// the analysis. What is stored about them (countries, series, counts) is the catalogue's.
@Injectable()
export class PricesService {
  constructor(private readonly prisma: PrismaService) {}

  // One page in the order (commodity, date, market, source, price type, unit) within the country:
  // the observation key's index order, so a page is a range read of that index, a cursor is the
  // last row's key, and pages never skip or repeat rows while data is added.
  async page(
    f: ObservationFilter,
    limit: number,
    after?: PageCursor,
  ): Promise<{ rows: ObservationRow[]; next?: PageCursor }> {
    const params: unknown[] = [];
    let where = observationWhere(f, params);
    if (after) {
      params.push(
        after.commodity,
        after.date,
        after.market,
        after.source,
        after.priceType,
        after.unit,
      );
      const n = params.length;
      where += ` AND (commodity_id, survey_date, market_id, source_id, price_type, unit) > ($${n - 5}, $${n - 4}::date, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
    }
    params.push(limit + 1);
    const found = await this.prisma.$queryRawUnsafe<ObservationRow[]>(
      `SELECT to_char(survey_date, 'YYYY-MM-DD') AS date, to_char(period_end, 'YYYY-MM-DD') AS "periodEnd",
              country, market_id AS market, commodity_id AS commodity, price_type AS "priceType", value,
              unit, currency, usd_value AS "usdValue", source_id AS source, flag::text AS flag,
              price_flag AS "priceFlag", raw_value AS "rawValue"
       FROM observation WHERE ${where}
       ORDER BY commodity_id, survey_date, market_id, source_id, price_type, unit
       LIMIT $${params.length}::int`,
      ...params,
    );
    const rows = found.slice(0, limit);
    const last = rows[rows.length - 1];
    const next =
      found.length > limit && last
        ? {
            date: last.date,
            market: last.market,
            commodity: last.commodity,
            source: last.source,
            priceType: last.priceType,
            unit: last.unit,
          }
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

  // One value per (market, date) for a commodity: the given source's, or else the most preferred
  // source's (SOURCE_PREFERENCE; sources not listed come after, by id). Without a market list,
  // only markets of kind city.
  async series(
    commodity: string,
    opts: {
      markets?: string[];
      from?: string;
      to?: string;
      source?: string;
      country?: string;
      unit?: string;
      priceType?: string;
    },
  ): Promise<SeriesPoint[]> {
    const params: unknown[] = [];
    const where = observationWhere(
      {
        country: opts.country,
        units: opts.unit ? [opts.unit] : undefined,
        priceTypes: opts.priceType ? [opts.priceType] : undefined,
        commodities: [commodity],
        markets: opts.markets,
        sources: opts.source ? [opts.source] : undefined,
        from: opts.from,
        to: opts.to,
      },
      params,
    );
    // sources in their declared order of preference (each source's `preference`): the analysis
    // uses the first one that has the value; the raw observations of every source stay queryable
    params.push([...SOURCE_PREFERENCE]);
    // without a market list, cities only: a regional average is not a market to pair with a city
    const cities = opts.markets?.length
      ? ''
      : ` AND market_id IN (SELECT id FROM market WHERE kind = 'city')`;
    const rows = await this.prisma.$queryRawUnsafe<SeriesPoint[]>(
      `SELECT DISTINCT ON (survey_date, market_id)
              to_char(survey_date, 'YYYY-MM-DD') AS date, market_id AS market, value, source_id AS source
       FROM observation WHERE ${where}${cities}
       ORDER BY survey_date, market_id,
                coalesce(array_position($${params.length}::text[], source_id), 2147483647), source_id`,
      ...params,
    );
    // The analysis keeps these points (PanelService holds up to 2,000,000): one string per distinct
    // date, market and source instead of three new strings per row from the driver, and a small
    // object of one shape per point.
    const strings = new Map<string, string>();
    const intern = (v: string): string => {
      const hit = strings.get(v);
      if (hit !== undefined) return hit;
      strings.set(v, v);
      return v;
    };
    return rows.map((r) => ({
      date: intern(r.date),
      market: intern(r.market),
      value: r.value,
      source: intern(r.source),
    }));
  }

  // Every series (country, commodity, unit, price type, currency) of the chosen countries and
  // commodities by month, for the cross-country panel: cities only (averages of markets are
  // regions), forecasts never, one value per market and survey date (the preferred source's, as
  // in series()), then the mean of the month's values per market. One read, sorted by the series
  // and the month.
  async monthlySeries(f: {
    countries?: string[];
    commodities?: string[];
    from?: string;
    to?: string;
  }): Promise<MonthlySeries[]> {
    const params: unknown[] = [];
    const clauses: string[] = [
      `market_id IN (SELECT id FROM market WHERE kind = 'city')`,
      `(price_flag IS NULL OR price_flag <> 'forecast')`,
      'value > 0',
    ];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      clauses.push(sql(`$${params.length}`));
    };
    if (f.countries?.length) add((p) => `country = ANY(${p}::text[])`, f.countries);
    if (f.commodities?.length) add((p) => `commodity_id = ANY(${p}::text[])`, f.commodities);
    if (f.from) add((p) => `survey_date >= ${p}::date`, f.from);
    if (f.to) add((p) => `survey_date <= ${p}::date`, f.to);
    params.push([...SOURCE_PREFERENCE]);
    const rows = await this.prisma.$queryRawUnsafe<
      {
        country: string;
        commodity: string;
        unit: string;
        priceType: string;
        currency: string;
        month: string;
        market: string;
        price: number;
        sources: string;
      }[]
    >(
      `WITH one AS (
         SELECT DISTINCT ON (country, commodity_id, unit, price_type, currency, market_id, survey_date)
                country, commodity_id, unit, price_type, currency, market_id, survey_date, value, source_id
         FROM observation WHERE ${clauses.join(' AND ')}
         ORDER BY country, commodity_id, unit, price_type, currency, market_id, survey_date,
                  coalesce(array_position($${params.length}::text[], source_id), 2147483647), source_id)
       SELECT country, commodity_id AS commodity, unit, price_type AS "priceType", currency,
              to_char(survey_date, 'YYYY-MM') AS month, market_id AS market,
              avg(value)::float8 AS price, string_agg(DISTINCT source_id, ',') AS sources
       FROM one GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7`,
      ...params,
    );
    const out: MonthlySeries[] = [];
    type Building = MonthlySeries & { seen: Set<string> };
    const finish = ({ seen, ...s }: Building): MonthlySeries => ({
      ...s,
      sources: [...seen].sort(),
    });
    let cur: Building | undefined;
    for (const r of rows) {
      if (
        !cur ||
        cur.country !== r.country ||
        cur.commodity !== r.commodity ||
        cur.unit !== r.unit ||
        cur.priceType !== r.priceType ||
        cur.currency !== r.currency
      ) {
        if (cur) out.push(finish(cur));
        cur = {
          country: r.country,
          commodity: r.commodity,
          unit: r.unit,
          priceType: r.priceType,
          currency: r.currency,
          sources: [],
          market: [],
          month: [],
          price: [],
          seen: new Set(),
        };
      }
      cur.market.push(r.market);
      cur.month.push(r.month);
      cur.price.push(r.price);
      for (const s of r.sources.split(',')) cur.seen.add(s);
    }
    if (cur) out.push(finish(cur));
    return out;
  }
}
