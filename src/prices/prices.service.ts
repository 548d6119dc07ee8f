import { Injectable } from '@nestjs/common';
import { monthName } from '../common/dates';
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
  currency: string;
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

// the hash tables of the cross-country read, for its one statement
const MONTHLY_WORK_MEM = '256MB';
const MONTHLY_READ_TIMEOUT_MS = 10 * 60_000;

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

  // One page in the order (commodity, date, market, source, price type, unit, currency) within the
  // country:
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
        after.currency,
      );
      const n = params.length;
      where += ` AND (commodity_id, survey_date, market_id, source_id, price_type, unit, currency) > ($${n - 6}, $${n - 5}::date, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
    }
    params.push(limit + 1);
    const found = await this.prisma.$queryRawUnsafe<ObservationRow[]>(
      `SELECT to_char(survey_date, 'YYYY-MM-DD') AS date, to_char(period_end, 'YYYY-MM-DD') AS "periodEnd",
              country, market_id AS market, commodity_id AS commodity, price_type AS "priceType", value,
              unit, currency, usd_value AS "usdValue", source_id AS source, flag::text AS flag,
              price_flag AS "priceFlag", raw_value AS "rawValue"
       FROM observation WHERE ${where}
       ORDER BY commodity_id, survey_date, market_id, source_id, price_type, unit, currency
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
  // then market. The database answers one row per series and market (a hash aggregation of a few
  // thousand groups) with one text of its observations (day, source rank, value); the choice of each
  // market and day's preferred value and the months' means are taken here, on one numeric sort per
  // series. A first hash aggregation by market and day in the database (for the preferred value)
  // spilled to disk at a country's 2.9 million rows and took 60 % of the read (bench/alerts.cjs);
  // sorting on the series' text keys cost three times as much as a numeric key.
  async monthlySeries(f: {
    countries?: string[];
    commodities?: string[];
    from?: string;
    to?: string;
  }): Promise<MonthlySeries[]> {
    const known = (await this.prisma.source.findMany({ select: { id: true } })).map((r) => r.id);
    const rank = (id: string) => {
      const i = SOURCE_PREFERENCE.indexOf(id);
      return i < 0 ? SOURCE_PREFERENCE.length : i;
    };
    const order = known.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    if (order.length > 30)
      throw new Error('more than 30 sources: the source mask needs a wider type');
    const params: unknown[] = [order];
    const clauses: string[] = [
      // an anti-join on the market key, which no plan can turn into a scan of observation per
      // market (an IN over the city markets could, with stale statistics: 57 s for 864,000 rows)
      `NOT EXISTS (SELECT 1 FROM market r WHERE r.id = observation.market_id AND r.kind = 'region')`,
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
    // one text per series, a line per observation (market, day, source rank, value: float8's
    // shortest exact text, parsed back to the same double)
    const sql = `SELECT country, commodity_id AS commodity, unit, price_type AS "priceType", currency,
              market_id AS market,
              string_agg((survey_date - DATE '1970-01-01') || chr(9)
                         || array_position($1::text[], source_id) || chr(9) || value, chr(10)) AS body,
              bit_or(1 << (array_position($1::text[], source_id) - 1)) AS mask
       FROM observation WHERE ${clauses.join(' AND ')}
       GROUP BY 1, 2, 3, 4, 5, 6`;
    type Row = {
      country: string;
      commodity: string;
      unit: string;
      priceType: string;
      currency: string;
      market: string;
      body: string; // day (since 1970-01-01) TAB rank TAB value, a line each
      mask: number;
    };
    // a transaction only to scope the setting; a country's every series (millions of rows) reads
    // for longer than Prisma's 5 s default, which then failed the read (bench/alerts.cjs)
    const rows = await this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL work_mem = '${MONTHLY_WORK_MEM}'`);
        return tx.$queryRawUnsafe<Row[]>(sql, ...params);
      },
      { timeout: MONTHLY_READ_TIMEOUT_MS, maxWait: MONTHLY_READ_TIMEOUT_MS },
    );
    const days = new DayNumbering();
    // the rows of each series (one a market), the series in key order
    const bySeries = new Map<string, Row[]>();
    for (const row of rows) {
      const k = [row.country, row.commodity, row.unit, row.priceType, row.currency].join('\u0000');
      let list = bySeries.get(k);
      if (!list) bySeries.set(k, (list = []));
      list.push(row);
    }
    return [...bySeries.values()]
      .sort(
        ([a], [b]) =>
          cmp(a.country, b.country) ||
          cmp(a.commodity, b.commodity) ||
          cmp(a.unit, b.unit) ||
          cmp(a.priceType, b.priceType) ||
          cmp(a.currency, b.currency),
      )
      .map((marketRows) => {
        const row = marketRows[0];
        let n = 0;
        let mask = 0;
        for (const r of marketRows) {
          n += r.body.length ? countLines(r.body) : 0;
          mask |= r.mask;
        }
        const { market, month, price } = monthlyMeans(marketRows, n, days);
        return {
          country: row.country,
          commodity: row.commodity,
          unit: row.unit,
          priceType: row.priceType,
          currency: row.currency,
          sources: order.filter((_, b) => mask & (1 << b)).sort(),
          market,
          month,
          price,
        };
      });
  }
}

// The lines of a non-empty text.
function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// Days since 1970-01-01 as months (year·12 + month − 1) and days of the month, and months as
// names, each worked out once per distinct day or month (the panel holds the names).
class DayNumbering {
  private readonly days = new Map<number, { month: number; dom: number }>();
  private readonly names = new Map<number, string>();

  of(day: number): { month: number; dom: number } {
    let info = this.days.get(day);
    if (info === undefined) {
      const d = new Date(day * 86_400_000);
      info = { month: d.getUTCFullYear() * 12 + d.getUTCMonth(), dom: d.getUTCDate() - 1 };
      this.days.set(day, info);
    }
    return info;
  }

  name(month: number): string {
    let name = this.names.get(month);
    if (name === undefined) this.names.set(month, (name = monthName(month)));
    return name;
  }
}

// One series' monthly means from its markets' texts (n lines in all: day TAB source rank TAB
// value): the preferred source's value of each day (the lowest rank), then the mean of the month's
// days, sorted by month then market, on one numeric key (month, market by name, day, rank).
function monthlyMeans(
  marketRows: { market: string; body: string }[],
  n: number,
  days: DayNumbering,
): { market: string[]; month: string[]; price: number[] } {
  const marketOf = new Uint32Array(n);
  const monthOf = new Float64Array(n);
  const value = new Float64Array(n);
  // the sort key: month, market (by name), day of the month, source rank
  const key = new Float64Array(n);
  const marketNames = marketRows.map((r) => r.market);
  const dayKey = new Float64Array(n);
  let i = 0;
  marketRows.forEach((r, id) => {
    const body = r.body;
    for (let at = 0; at < body.length; i++) {
      const t1 = body.indexOf('\t', at);
      const t2 = body.indexOf('\t', t1 + 1);
      let end = body.indexOf('\n', t2 + 1);
      if (end < 0) end = body.length;
      const info = days.of(Number(body.slice(at, t1)));
      marketOf[i] = id;
      monthOf[i] = info.month;
      dayKey[i] = info.dom * 32 + Number(body.slice(t1 + 1, t2));
      value[i] = Number(body.slice(t2 + 1, end));
      at = end + 1;
    }
  });
  // markets in name order, so that a month's markets come sorted
  const rankOfMarket = new Uint32Array(marketNames.length);
  marketNames
    .map((name, id) => ({ name, id }))
    .sort((a, b) => cmp(a.name, b.name))
    .forEach((m, r) => (rankOfMarket[m.id] = r));
  const nMarkets = marketNames.length;
  for (let i = 0; i < n; i++)
    key[i] = (monthOf[i] * nMarkets + rankOfMarket[marketOf[i]]) * 1024 + dayKey[i];
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => key[a] - key[b]);
  // each market and month: the preferred source's value of each day (the first of the day
  // in rank order), then the mean of the days
  const market: string[] = [];
  const month: string[] = [];
  const price: number[] = [];
  for (let k = 0; k < n;) {
    const group = Math.floor(key[idx[k]] / 1024);
    let sum = 0;
    let dayCount = 0;
    let lastDay = -1;
    const first = idx[k];
    while (k < n && Math.floor(key[idx[k]] / 1024) === group) {
      const day = Math.floor(dayKey[idx[k]] / 32);
      if (day !== lastDay) {
        sum += value[idx[k]];
        dayCount++;
        lastDay = day;
      }
      k++;
    }
    market.push(marketNames[marketOf[first]]);
    month.push(days.name(monthOf[first]));
    price.push(sum / dayCount);
  }
  return { market, month, price };
}
