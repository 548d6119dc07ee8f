import { Injectable } from '@nestjs/common';
import { copyOutBinary, CopyColumn, readCopyBinary, settingArray } from '../database/copy-out';
import { PrismaService } from '../database/prisma.service';
import { SOURCE_PREFERENCE } from '../sources/source-registry';
import {
  cmp,
  MarketGroup,
  MarketMonths,
  marketMonthlyMeans,
  monthlyMeans,
  MonthNames,
} from './monthly-means';
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
  currency: string;
}

// A series' monthly market prices, sorted by month then market: one row per market and month,
// the mean of the market's values in the month (one value per survey date, the preferred source's).
export interface MonthlySeries extends SeriesKey {
  sources: string[];
  market: string[];
  month: string[]; // YYYY-MM
  price: number[];
}

// The same monthly prices by market: each market's months ascending (the alerts' shape), the
// markets in order of their first month, then id.
export interface MarketMonthlySeries extends SeriesKey {
  sources: string[];
  markets: MarketMonths[];
}

// the hash tables of the cross-country read, for its one statement
const MONTHLY_WORK_MEM = '256MB';

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

  // One page in the order (commodity, market, source, price type, unit, currency, date) within
  // the country: a series after another in the series key's index order, each series' points by
  // date (the points' key), so a page is a range read of the two indexes, a cursor is the last
  // row's key, and pages never skip or repeat rows while data is added.
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
        after.currency,
      );
      const n = params.length;
      // the cursor's series from its date on, then the series after it (the first condition
      // alone is a range of the series key's index)
      const series = `(commodity_id, market_id, source_id, price_type, unit, currency)`;
      const at = `($${n - 6}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
      where += ` AND ${series} >= ${at} AND (${series} > ${at} OR survey_date > $${n - 5}::date)`;
    }
    params.push(limit + 1);
    const found = await this.prisma.$queryRawUnsafe<ObservationRow[]>(
      `SELECT to_char(survey_date, 'YYYY-MM-DD') AS date, to_char(period_end, 'YYYY-MM-DD') AS "periodEnd",
              country, market_id AS market, commodity_id AS commodity, price_type AS "priceType", value,
              unit, currency, usd_value AS "usdValue", source_id AS source, flag::text AS flag,
              price_flag AS "priceFlag", raw_value AS "rawValue"
       FROM observation WHERE ${where}
       ORDER BY commodity_id, market_id, source_id, price_type, unit, currency, survey_date
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
            currency: last.currency,
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
      currency?: string; // one series never mixes currencies
    },
  ): Promise<SeriesPoint[]> {
    const params: unknown[] = [];
    const where = observationWhere(
      {
        country: opts.country,
        units: opts.unit ? [opts.unit] : undefined,
        priceTypes: opts.priceType ? [opts.priceType] : undefined,
        currencies: opts.currency ? [opts.currency] : undefined,
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
  // commodities by month, for the cross-country panel and the alerts: cities only (averages of
  // markets are regions), forecasts never, one value per market and survey date (the preferred
  // source's, as in series()), then the mean of the month's values per market; sorted by month
  // then market. The database answers one row per series, market, source and price flag (a hash
  // aggregation of a few thousand groups) with its dates and values as two arrays, read as one
  // binary COPY (copyOutBinary); the rest is done here: regions, forecasts and non-positive
  // prices left out, each market and day's preferred value, the months' means on one numeric
  // sort per series. On PGlite each expression or filter on every row in the database cost about
  // a second at a country's 2.9 million rows, and the observations as text took twice as long as
  // the arrays (bench/alerts.cjs).
  async monthlySeries(f: MonthlyRead): Promise<MonthlySeries[]> {
    const { order, bySeries } = await this.monthlyGroups(f);
    const names = new MonthNames();
    const out: MonthlySeries[] = [];
    for (const { key, markets } of bySeries.values()) {
      const means = monthlyMeans(markets, names);
      if (!means) continue;
      out.push({
        ...key,
        sources: sourcesOf(order, means.mask),
        market: means.market,
        month: means.month,
        price: means.price,
      });
    }
    return out.sort(bySeriesKey);
  }

  // The same read, by market (each market's months ascending): the alerts' shape, without the
  // month-then-market order the panel needs.
  async marketMonthlySeries(f: MonthlyRead): Promise<MarketMonthlySeries[]> {
    const { order, bySeries } = await this.monthlyGroups(f);
    const out: MarketMonthlySeries[] = [];
    for (const { key, markets } of bySeries.values()) {
      const byMarket = marketMonthlyMeans(markets);
      if (!byMarket.length) continue;
      const mask = byMarket.reduce((m, x) => m | x.mask, 0);
      out.push({ ...key, sources: sourcesOf(order, mask), markets: byMarket });
    }
    return out.sort(bySeriesKey);
  }

  // The grouped read both shapes come from: each series' markets, each market's groups (a
  // source and price flag each), and the sources in order of preference.
  private async monthlyGroups(f: MonthlyRead): Promise<{
    order: string[];
    bySeries: Map<string, { key: SeriesKey; markets: Map<string, MarketGroup[]> }>;
  }> {
    const known = (await this.prisma.source.findMany({ select: { id: true } })).map((r) => r.id);
    const preference = (id: string) => {
      const i = SOURCE_PREFERENCE.indexOf(id);
      return i < 0 ? SOURCE_PREFERENCE.length : i;
    };
    const order = known.sort((a, b) => preference(a) - preference(b) || a.localeCompare(b));
    if (order.length > 30)
      throw new Error('more than 30 sources: the source mask needs a wider type');
    const rankOf = new Map(order.map((id, i) => [id, i + 1]));
    const regions = new Set(
      (await this.prisma.market.findMany({ where: { kind: 'region' }, select: { id: true } })).map(
        (m) => m.id,
      ),
    );
    // each value a setting of the read, as a scalar subquery (read and cast once, not once a row)
    const settings: Record<string, string> = {};
    const clauses: string[] = [];
    const add = (name: string, type: string, sql: (v: string) => string, value: string) => {
      settings[name] = value;
      clauses.push(sql(`(SELECT current_setting('nkmt.${name}')::${type})`));
    };
    if (f.countries?.length)
      add('countries', 'text[]', (v) => `country = ANY(${v}::text[])`, settingArray(f.countries));
    if (f.commodities?.length)
      add(
        'commodities',
        'text[]',
        (v) => `commodity_id = ANY(${v}::text[])`,
        settingArray(f.commodities),
      );
    if (f.from) add('from', 'date', (v) => `survey_date >= ${v}`, f.from);
    if (f.to) add('to', 'date', (v) => `survey_date <= ${v}`, f.to);
    const bytes = await copyOutBinary(this.prisma, {
      select: `SELECT country, commodity_id, unit, price_type, currency, market_id, source_id,
                      price_flag, array_agg(survey_date), array_agg(value)
               FROM observation${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''}
               GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
      settings,
      workMem: MONTHLY_WORK_MEM,
    });
    // each series' markets, each market's groups (a source and price flag each)
    const bySeries = new Map<string, { key: SeriesKey; markets: Map<string, MarketGroup[]> }>();
    for (const r of readCopyBinary(bytes, MONTHLY_COLUMNS)) {
      const market = r[5] as string;
      if (regions.has(market) || r[7] === 'forecast') continue;
      const key: SeriesKey = {
        country: r[0] as string,
        commodity: r[1] as string,
        unit: r[2] as string,
        priceType: r[3] as string,
        currency: r[4] as string,
      };
      const k = [key.country, key.commodity, key.unit, key.priceType, key.currency].join('\u0000');
      let series = bySeries.get(k);
      if (!series) bySeries.set(k, (series = { key, markets: new Map() }));
      let groups = series.markets.get(market);
      if (!groups) series.markets.set(market, (groups = []));
      groups.push({
        rank: rankOf.get(r[6] as string) ?? order.length + 1,
        day: r[8] as Int32Array,
        value: r[9] as Float64Array,
      });
    }
    return { order, bySeries };
  }
}

export interface MonthlyRead {
  countries?: string[];
  commodities?: string[];
  from?: string;
  to?: string;
}

// The sources a mask of ranks names (bit rank − 1), by id.
const sourcesOf = (order: string[], mask: number) => order.filter((_, b) => mask & (1 << b)).sort();

const bySeriesKey = (a: SeriesKey, b: SeriesKey) =>
  cmp(a.country, b.country) ||
  cmp(a.commodity, b.commodity) ||
  cmp(a.unit, b.unit) ||
  cmp(a.priceType, b.priceType) ||
  cmp(a.currency, b.currency);

// One series: a country's commodity in one unit, price type and currency.
export interface SeriesKey {
  country: string;
  commodity: string;
  unit: string;
  priceType: string;
  currency: string;
}

const MONTHLY_COLUMNS: CopyColumn[] = [
  ...(['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text'] as const),
  'date[]',
  'float8[]',
];
