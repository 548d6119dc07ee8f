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
  // commodities by month, for the cross-country panel: cities only (averages of markets are
  // regions), forecasts never, one value per market and survey date (the preferred source's, as in
  // series()), then the mean of the month's values per market; sorted by month then market.
  // The database picks each market and date's value in one hash aggregation and answers one row per
  // series with arrays; the months' means are taken here. Sorting on the series' text keys (equal
  // for most comparisons) cost three times as much, and a second aggregation by month twice
  // (bench/cross-country.cjs). The preferred value is the minimum of [rank, value], every source's
  // rank distinct; a bit mask carries the sources. Hash tables of a million groups get the memory
  // they need for this one statement (SET LOCAL work_mem), not spilled to disk in 85 batches.
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
    // one text per series, a line per market and date (market, day, value: float8's shortest
    // exact text, parsed back to the same double): a third faster to read than three arrays
    const sql = `SELECT country, commodity, unit, "priceType", currency,
              string_agg(market || chr(9) || d || chr(9) || v, chr(10)) AS body, bit_or(mask) AS mask
       FROM (SELECT country, commodity_id AS commodity, unit, price_type AS "priceType", currency,
                    market_id AS market, (survey_date - DATE '1970-01-01') AS d,
                    (min(ARRAY[array_position($1::text[], source_id)::float8, value]))[2] AS v,
                    bit_or(1 << (array_position($1::text[], source_id) - 1)) AS mask
             FROM observation WHERE ${clauses.join(' AND ')}
             GROUP BY country, commodity_id, unit, price_type, currency, market_id, survey_date) one
       GROUP BY 1, 2, 3, 4, 5`;
    type Row = {
      country: string;
      commodity: string;
      unit: string;
      priceType: string;
      currency: string;
      body: string; // market TAB day (since 1970-01-01) TAB value, a line each
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
    const monthOfDay = new Map<number, number>();
    const monthIndex = (day: number) => {
      let m = monthOfDay.get(day);
      if (m === undefined) {
        const d = new Date(day * 86_400_000);
        monthOfDay.set(day, (m = d.getUTCFullYear() * 12 + d.getUTCMonth()));
      }
      return m;
    };
    // one string per month (the panel holds them): made once, by the shared numbering
    const names = new Map<number, string>();
    const nameOf = (m: number) => {
      let name = names.get(m);
      if (name === undefined) names.set(m, (name = monthName(m)));
      return name;
    };
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return rows
      .sort(
        (a, b) =>
          cmp(a.country, b.country) ||
          cmp(a.commodity, b.commodity) ||
          cmp(a.unit, b.unit) ||
          cmp(a.priceType, b.priceType) ||
          cmp(a.currency, b.currency),
      )
      .map((row) => {
        const lines = row.body.split('\n');
        const r = {
          markets: new Array<string>(lines.length),
          days: new Array<number>(lines.length),
          prices: new Array<number>(lines.length),
        };
        lines.forEach((line, i) => {
          const [m, d, v] = line.split('\t');
          r.markets[i] = m;
          r.days[i] = Number(d);
          r.prices[i] = Number(v);
        });
        // the mean of each market's values in each month: the dates sorted by (month, market),
        // then each run of one market and month averaged
        const months = r.days.map(monthIndex);
        const idx = months.map((_, i) => i);
        idx.sort((a, b) => months[a] - months[b] || cmp(r.markets[a], r.markets[b]));
        const market: string[] = [];
        const month: string[] = [];
        const price: number[] = [];
        for (let k = 0; k < idx.length;) {
          const first = idx[k];
          let sum = 0;
          let n = 0;
          while (
            k < idx.length &&
            months[idx[k]] === months[first] &&
            r.markets[idx[k]] === r.markets[first]
          ) {
            sum += r.prices[idx[k]];
            n++;
            k++;
          }
          market.push(r.markets[first]);
          month.push(nameOf(months[first]));
          price.push(sum / n);
        }
        return {
          country: row.country,
          commodity: row.commodity,
          unit: row.unit,
          priceType: row.priceType,
          currency: row.currency,
          sources: order.filter((_, i) => row.mask & (1 << i)).sort(),
          market,
          month,
          price,
        };
      });
  }
}
