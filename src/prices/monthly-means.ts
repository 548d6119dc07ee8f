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

// One market's monthly prices: its months (year·12 + month − 1) ascending and their means, and
// the sources that gave them as a bit mask (bit rank − 1).
export interface MarketMonths {
  market: string;
  t: Int32Array;
  price: Float64Array;
  mask: number;
}

// One series' monthly prices: one row per market and month, sorted by month then market, and the
// sources that gave them as a bit mask (bit rank − 1).
export interface MonthlyMeans {
  market: string[];
  month: string[]; // YYYY-MM
  price: number[];
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

// Each market's monthly means of one series, from its groups: prices of zero or less left out,
// the preferred source's value of each day (the lowest rank; between two groups of one rank, the
// first), then the mean of the month's days, summed in day order. A market with no price above
// zero is left out. The markets come in order of their first month, then name.
export function marketMonthlyMeans(markets: Map<string, MarketGroup[]>): MarketMonths[] {
  const rows: MarketObservations[] = [];
  for (const [market, groups] of markets) {
    const observations = positiveObservations(market, groups);
    if (observations) rows.push(observations);
  }
  const calendar = new DayTable(rows.map((r) => r.day));
  return rows
    .map((r) => meansOfMarket(r, calendar))
    .sort((a, b) => a.t[0] - b.t[0] || cmp(a.market, b.market));
}

// One market's observations in order of day, then source rank, then where they came (a check
// first: a market of one group comes in day order), then one value a day and a mean a month.
function meansOfMarket(r: MarketObservations, calendar: DayTable): MarketMonths {
  const { day, rank, value } = r;
  const n = value.length;
  let mask = 0;
  let inOrder = true;
  for (let i = 0; i < n; i++) {
    mask |= 1 << (rank[i] - 1);
    if (i && (day[i - 1] > day[i] || (day[i - 1] === day[i] && rank[i - 1] > rank[i])))
      inOrder = false;
  }
  let order: Uint32Array | undefined;
  if (!inOrder) {
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => day[a] - day[b] || rank[a] - rank[b] || a - b);
    order = Uint32Array.from(idx);
  }
  const t = new Int32Array(n);
  const price = new Float64Array(n);
  let rows = 0;
  let month = NaN;
  let sum = 0;
  let days = 0;
  let lastDay = NaN;
  for (let k = 0; k < n; k++) {
    const i = order ? order[k] : k;
    const m = calendar.month[calendar.index(day[i])];
    if (m !== month) {
      if (days) {
        t[rows] = month;
        price[rows++] = sum / days;
      }
      month = m;
      sum = 0;
      days = 0;
    }
    if (day[i] !== lastDay) {
      sum += value[i];
      days++;
      lastDay = day[i];
    }
  }
  t[rows] = month;
  price[rows++] = sum / days;
  // one value a month (a WFP market's usual case): the columns as they are
  const whole = rows === n;
  return {
    market: r.market,
    t: whole ? t : t.slice(0, rows),
    price: whole ? price : price.slice(0, rows),
    mask,
  };
}

// One series' monthly means as rows sorted by month then market (the cross-country panel's
// order): each market's months (marketMonthlyMeans), put in order by a counting sort on month
// and market. Undefined when no market has a price above zero.
export function monthlyMeans(
  markets: Map<string, MarketGroup[]>,
  names: MonthNames,
): MonthlyMeans | undefined {
  const byMarket = marketMonthlyMeans(markets);
  if (!byMarket.length) return undefined;
  // markets in name order, so that a month's markets come sorted
  const sorted = [...byMarket].sort((a, b) => cmp(a.market, b.market));
  let first = Infinity;
  let last = -Infinity;
  let n = 0;
  let mask = 0;
  for (const m of sorted) {
    if (m.t[0] < first) first = m.t[0];
    if (m.t[m.t.length - 1] > last) last = m.t[m.t.length - 1];
    n += m.t.length;
    mask |= m.mask;
  }
  const nMarkets = sorted.length;
  const group = new Float64Array(n);
  const from = new Uint32Array(n); // each row's market (its rank by name)
  let i = 0;
  sorted.forEach((m, r) => {
    for (let j = 0; j < m.t.length; j++, i++) {
      group[i] = (m.t[j] - first) * nMarkets + r;
      from[i] = r;
    }
  });
  const at = new Uint32Array(nMarkets + 1); // each market's first row in `group`
  sorted.forEach((m, r) => (at[r + 1] = at[r] + m.t.length));
  const idx = byGroup(group, (last - first + 1) * nMarkets);
  const monthNames: string[] = new Array<string>(last - first + 1);
  for (let m = first; m <= last; m++) monthNames[m - first] = names.of(m);
  const market: string[] = new Array<string>(n);
  const month: string[] = new Array<string>(n);
  const price: number[] = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    const row = idx[k];
    const r = from[row];
    const m = sorted[r];
    const j = row - at[r];
    market[k] = m.market;
    month[k] = monthNames[m.t[j] - first];
    price[k] = m.price[j];
  }
  return { market, month, price, mask };
}

// A market's groups as one list of its prices above zero; undefined when it has none.
function positiveObservations(
  market: string,
  groups: MarketGroup[],
): MarketObservations | undefined {
  let n = 0;
  for (const g of groups) for (let i = 0; i < g.value.length; i++) if (g.value[i] > 0) n++;
  if (n === 0) return undefined;
  const rank = new Uint8Array(n);
  // one group, every price above zero (a WFP market's usual case): its own columns
  if (groups.length === 1 && n === groups[0].value.length)
    return { market, day: groups[0].day, rank: rank.fill(groups[0].rank), value: groups[0].value };
  const day = new Int32Array(n);
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
