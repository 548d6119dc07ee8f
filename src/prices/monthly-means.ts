import { monthAndDayOf, monthName } from '../common/dates';

// The monthly means of one series from the groups of the monthly read (PricesService.monthlySeries):
// pure functions over typed arrays.

// One group of the monthly read: one market's dates (days since 1970-01-01) and values of one
// source (ranked from 1, the preferred first) and price flag, in no order.
export interface MarketGroup {
  rank: number;
  day: Int32Array;
  value: Float64Array;
}

// One series' monthly prices: one row per market and month, sorted by month then market, and the
// sources that gave them as a bit mask (bit rank − 1). Each row's month also as a number
// (year·12 + month − 1) and its market also as an index into `markets` (the names sorted), so
// that a reader walking a country's 2.9 million rows by market and month needs no lookup by name.
export interface MonthlyMeans {
  market: string[];
  month: string[]; // YYYY-MM
  price: number[];
  t: Int32Array; // each row's month, year·12 + month − 1
  marketIndex: Uint32Array; // each row's market in `markets`
  markets: string[]; // the series' markets, sorted
  mask: number;
}

export const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// Months (year·12 + month − 1) as names, each worked out once (the panel holds the names).
export class MonthNames {
  private readonly names = new Map<number, string>();

  of(month: number): string {
    let name = this.names.get(month);
    if (name === undefined) this.names.set(month, (name = monthName(month)));
    return name;
  }
}

// One market's prices above zero, from all its groups: day, source rank and value.
interface MarketObservations {
  market: string;
  day: Int32Array;
  rank: Uint8Array;
  value: Float64Array;
}

// One series' monthly means from its markets' groups: prices of zero or less left out, the
// preferred source's value of each day (the lowest rank), then the mean of the month's days,
// sorted by month then market. Undefined when no market has a price above zero. The
// observations are put in order of their month and market by a counting sort (a comparison sort
// of 48,000 keys per series was a quarter of the read's time in the app).
export function monthlyMeans(
  markets: Map<string, MarketGroup[]>,
  names: MonthNames,
): MonthlyMeans | undefined {
  const marketRows: MarketObservations[] = [];
  let mask = 0;
  for (const [market, groups] of markets) {
    const observations = positiveObservations(market, groups);
    if (!observations) continue;
    marketRows.push(observations);
    for (const r of observations.rank) mask |= 1 << (r - 1);
  }
  if (!marketRows.length) return undefined;
  const n = marketRows.reduce((sum, r) => sum + r.value.length, 0);
  const marketOf = new Uint32Array(n);
  const monthOf = new Float64Array(n);
  const value = new Float64Array(n);
  const marketNames = marketRows.map((r) => r.market);
  const dayKey = new Float64Array(n); // day of the month · 32 + source rank
  const calendar = new DayTable(marketRows.map((r) => r.day));
  let i = 0;
  marketRows.forEach((r, id) => {
    for (let j = 0; j < r.value.length; j++, i++) {
      const t = calendar.index(r.day[j]);
      marketOf[i] = id;
      monthOf[i] = calendar.month[t];
      dayKey[i] = calendar.dom[t] * 32 + r.rank[j];
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
  // the rows: one per group, written into arrays of their final size (growing arrays of 2.9
  // million strings and numbers by push was most of this function's time)
  let rows = 0;
  for (let k = 0; k < n; k++) if (k === 0 || group[idx[k]] !== group[idx[k - 1]]) rows++;
  const sorted: string[] = new Array<string>(nMarkets);
  for (let id = 0; id < nMarkets; id++) sorted[rankOfMarket[id]] = marketNames[id];
  const monthNames: string[] = new Array<string>(last - first + 1);
  for (let m = first; m <= last; m++) monthNames[m - first] = names.of(m);
  const market: string[] = new Array<string>(rows);
  const month: string[] = new Array<string>(rows);
  const price: number[] = new Array<number>(rows);
  const t = new Int32Array(rows);
  const marketIndex = new Uint32Array(rows);
  // each market and month: the preferred source's value of each day (the first of the day in
  // rank order, its few values sorted in place), then the mean of the days
  let row = 0;
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
    const m = monthOf[idx[start]];
    const r = rankOfMarket[marketOf[idx[start]]];
    market[row] = sorted[r];
    month[row] = monthNames[m - first];
    price[row] = sum / dayCount;
    t[row] = m;
    marketIndex[row++] = r;
  }
  return { market, month, price, t, marketIndex, markets: sorted, mask };
}

// A market's groups as one list of its prices above zero; undefined when it has none.
function positiveObservations(
  market: string,
  groups: MarketGroup[],
): MarketObservations | undefined {
  let n = 0;
  for (const g of groups) for (let i = 0; i < g.value.length; i++) if (g.value[i] > 0) n++;
  if (n === 0) return undefined;
  const day = new Int32Array(n);
  const rank = new Uint8Array(n);
  const value = new Float64Array(n);
  let at = 0;
  for (const g of groups)
    for (let i = 0; i < g.value.length; i++) {
      if (!(g.value[i] > 0)) continue;
      day[at] = g.day[i];
      rank[at] = g.rank;
      value[at++] = g.value[i];
    }
  return { market, day, rank, value };
}

// The month and day of the month of every day from a series' first to its last, worked out once
// per day of the span instead of once per observation.
class DayTable {
  readonly month: Int32Array;
  readonly dom: Uint8Array;
  private readonly first: number;

  constructor(days: Int32Array[]) {
    let first = Infinity;
    let last = -Infinity;
    for (const list of days)
      for (const day of list) {
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
