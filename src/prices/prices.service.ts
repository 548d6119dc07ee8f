import { Injectable } from '@nestjs/common';
import { monthAndDayOf, monthName } from '../common/dates';
import { copyOutBinary, CopyColumn, readCopyBinary, settingArray } from '../database/copy-out';
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
  // then market. The database answers one row per series, market, source and price flag (a hash
  // aggregation of a few thousand groups) with its dates and values as two arrays, read as one
  // binary COPY (copyOutBinary); the rest is done here: regions, forecasts and non-positive
  // prices left out, each market and day's preferred value, the months' means on one numeric
  // sort per series. On PGlite each expression or filter on every row in the database cost about
  // a second at a country's 2.9 million rows, and the observations as text took twice as long as
  // the arrays (bench/alerts.cjs).
  async monthlySeries(f: {
    countries?: string[];
    commodities?: string[];
    from?: string;
    to?: string;
  }): Promise<MonthlySeries[]> {
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
    const names = new MonthNames();
    const out: MonthlySeries[] = [];
    for (const { key, markets } of bySeries.values()) {
      const marketRows: MarketObservations[] = [];
      let mask = 0;
      for (const [market, groups] of markets) {
        const observations = positiveObservations(market, groups);
        if (!observations) continue;
        marketRows.push(observations);
        mask |= observations.mask;
      }
      if (!marketRows.length) continue;
      out.push({
        ...key,
        sources: order.filter((_, b) => mask & (1 << b)).sort(),
        ...monthlyMeans(marketRows, names),
      });
    }
    return out.sort(
      (a, b) =>
        cmp(a.country, b.country) ||
        cmp(a.commodity, b.commodity) ||
        cmp(a.unit, b.unit) ||
        cmp(a.priceType, b.priceType) ||
        cmp(a.currency, b.currency),
    );
  }
}

interface SeriesKey {
  country: string;
  commodity: string;
  unit: string;
  priceType: string;
  currency: string;
}

// One group of the monthly read: one market's dates (days since 1970-01-01) and values of one
// source (ranked from 1, the preferred first) and price flag, in no order.
interface MarketGroup {
  rank: number;
  day: Int32Array;
  value: Float64Array;
}

// One market's observations with a price above zero: day·32 + source rank and value, and the
// sources that gave them as a bit mask (bit rank − 1).
interface MarketObservations {
  market: string;
  dayRank: Int32Array;
  value: Float64Array;
  mask: number;
}

const MONTHLY_COLUMNS: CopyColumn[] = [
  ...(['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text'] as const),
  'date[]',
  'float8[]',
];

// A market's groups as one list of its prices above zero; undefined when it has none.
function positiveObservations(
  market: string,
  groups: MarketGroup[],
): MarketObservations | undefined {
  let n = 0;
  for (const g of groups) for (let i = 0; i < g.value.length; i++) if (g.value[i] > 0) n++;
  if (n === 0) return undefined;
  const dayRank = new Int32Array(n);
  const value = new Float64Array(n);
  let mask = 0;
  let at = 0;
  for (const g of groups)
    for (let i = 0; i < g.value.length; i++) {
      if (!(g.value[i] > 0)) continue;
      dayRank[at] = g.day[i] * 32 + g.rank;
      value[at++] = g.value[i];
      mask |= 1 << (g.rank - 1);
    }
  return { market, dayRank, value, mask };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// Months (year·12 + month − 1) as names, each worked out once (the panel holds the names).
class MonthNames {
  private readonly names = new Map<number, string>();

  of(month: number): string {
    let name = this.names.get(month);
    if (name === undefined) this.names.set(month, (name = monthName(month)));
    return name;
  }
}

// The month and day of the month of every day from a series' first to its last (days as
// day·32 + rank), worked out once per day of the span instead of once per observation.
class DayTable {
  readonly month: Int32Array;
  readonly dom: Uint8Array;
  private readonly first: number;

  constructor(dayRanks: Int32Array[]) {
    let first = Infinity;
    let last = -Infinity;
    for (const list of dayRanks)
      for (let j = 0; j < list.length; j++) {
        const day = Math.floor(list[j] / 32);
        if (day < first) first = day;
        if (day > last) last = day;
      }
    this.first = first;
    const span = Number.isFinite(first) ? last - first + 1 : 0;
    this.month = new Int32Array(span);
    this.dom = new Uint8Array(span);
    for (let t = 0; t < span; t++) {
      const { month, dom } = monthAndDayOf(first + t);
      this.month[t] = month;
      this.dom[t] = dom;
    }
  }

  index(day: number): number {
    return day - this.first;
  }
}

// One series' monthly means from its markets' observations: the preferred source's value of each
// day (the lowest rank), then the mean of the month's days, sorted by month then market. The
// observations are put in order of their month and market by a counting sort (a comparison sort
// of 48,000 keys per series was a quarter of the read's time in the app).
function monthlyMeans(
  marketRows: { market: string; dayRank: Int32Array; value: Float64Array }[],
  names: MonthNames,
): { market: string[]; month: string[]; price: number[] } {
  const n = marketRows.reduce((sum, r) => sum + r.value.length, 0);
  const marketOf = new Uint32Array(n);
  const monthOf = new Float64Array(n);
  const value = new Float64Array(n);
  const marketNames = marketRows.map((r) => r.market);
  const dayKey = new Float64Array(n); // day of the month · 32 + source rank
  const calendar = new DayTable(marketRows.map((r) => r.dayRank));
  let i = 0;
  marketRows.forEach((r, id) => {
    for (let j = 0; j < r.value.length; j++, i++) {
      const day = Math.floor(r.dayRank[j] / 32);
      const t = calendar.index(day);
      marketOf[i] = id;
      monthOf[i] = calendar.month[t];
      dayKey[i] = calendar.dom[t] * 32 + (r.dayRank[j] - day * 32);
      value[i] = r.value[j];
    }
  });
  // markets in name order, so that a month's markets come sorted
  const rankOfMarket = new Uint32Array(marketNames.length);
  marketNames
    .map((name, id) => ({ name, id }))
    .sort((a, b) => cmp(a.name, b.name))
    .forEach((m, r) => (rankOfMarket[m.id] = r));
  const nMarkets = marketNames.length;
  // each observation's group (month, then market by name), then the groups in order
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    if (monthOf[i] < first) first = monthOf[i];
    if (monthOf[i] > last) last = monthOf[i];
  }
  const group = new Float64Array(n);
  for (let i = 0; i < n; i++)
    group[i] = (monthOf[i] - first) * nMarkets + rankOfMarket[marketOf[i]];
  const idx = byGroup(group, (last - first + 1) * nMarkets);
  // each market and month: the preferred source's value of each day (the first of the day in
  // rank order, its few values sorted in place), then the mean of the days
  const market: string[] = [];
  const month: string[] = [];
  const price: number[] = [];
  for (let k = 0; k < n;) {
    const start = k;
    while (k < n && group[idx[k]] === group[idx[start]]) k++;
    for (let a = start + 1; a < k; a++) {
      const v = idx[a];
      let b = a - 1;
      for (; b >= start && dayKey[idx[b]] > dayKey[v]; b--) idx[b + 1] = idx[b];
      idx[b + 1] = v;
    }
    let sum = 0;
    let dayCount = 0;
    let lastDay = -1;
    for (let a = start; a < k; a++) {
      const day = Math.floor(dayKey[idx[a]] / 32);
      if (day !== lastDay) {
        sum += value[idx[a]];
        dayCount++;
        lastDay = day;
      }
    }
    market.push(marketNames[marketOf[idx[start]]]);
    month.push(names.of(monthOf[idx[start]]));
    price.push(sum / dayCount);
  }
  return { market, month, price };
}

// The indexes 0..n−1 in order of their group (integers from 0 to groups − 1), in their own order
// within a group: a counting sort, or a comparison sort when the groups far outnumber the values.
function byGroup(group: Float64Array, groups: number): Uint32Array {
  const n = group.length;
  const idx = new Uint32Array(n);
  if (groups > 4 * n + 65_536) {
    for (let i = 0; i < n; i++) idx[i] = i;
    return idx.sort((a, b) => group[a] - group[b] || a - b);
  }
  const start = new Uint32Array(groups + 1);
  for (let i = 0; i < n; i++) start[group[i] + 1]++;
  for (let g = 0; g < groups; g++) start[g + 1] += start[g];
  for (let i = 0; i < n; i++) idx[start[group[i]]++] = i;
  return idx;
}
