import { DatedValue, interpolateAt } from '../../coverage/interpolation';

// The cross-country panel, built from monthly market prices (pure; the loader reads them once).
// A series is (country, commodity, unit, price type, currency); its monthly price per market is
// the mean of that market's observations in the month (averages of markets and forecasts never
// reach here). A series enters when at least minMarkets of its markets have a price in at least
// minMonths months; then every (series, month) with at least 2 priced markets is a row, with
//   D = mean over the n(n−1)/2 market pairs of |ln p_i − ln p_j|   (measure meanAbsLogDiff), or
//   D = σ/mean with the population σ of the month's prices          (measure cv),
// and coverage = the country's subscriptions per 100 on the month's 15th (interpolateAt: linear
// between year-end values, the last value flat after it, none before the first). A row without a
// coverage value is left out and counted.

export type DispersionMeasure = 'meanAbsLogDiff' | 'cv';

export interface SeriesKey {
  country: string;
  commodity: string;
  unit: string;
  priceType: string;
  currency: string;
}

// One series' monthly prices, sorted by month: rows are (market, month 'YYYY-MM', mean price).
export interface SeriesPrices extends SeriesKey {
  sources?: string[];
  market: string[];
  month: string[];
  price: number[];
}

export interface PanelOptions {
  minMarkets: number;
  minMonths: number;
  measure: DispersionMeasure;
}

export interface SeriesInfo extends SeriesKey {
  id: string; // country|commodity|unit|priceType|currency (a unit may hold a slash: KPW/kg)
  markets: number; // markets with a price in the panel's months
  months: number; // rows of the series in the panel
  firstMonth: string;
  lastMonth: string;
  sources: string[];
}

export interface SeriesMonthRow {
  series: number; // index into series
  country: string;
  month: string; // YYYY-MM
  d: number;
  markets: number;
  pairs: number;
  coverage: number;
}

export interface LeftOut {
  country: string;
  series?: string;
  reason: string;
}

export interface CrossCountryPanel {
  options: PanelOptions;
  series: SeriesInfo[];
  rows: SeriesMonthRow[];
  countries: string[]; // with at least one row, sorted
  leftOut: LeftOut[];
  rowsWithoutCoverage: Record<string, number>; // by country: months before its first value
  // the prices of each entering series (index as series), for the pair-level estimates
  prices: SeriesPrices[];
}

export const seriesId = (k: SeriesKey): string =>
  `${k.country}|${k.commodity}|${k.unit}|${k.priceType}|${k.currency}`;

// Mean over pairs of |x_i − x_j| for sorted x: Σ_k x_(k)·(2k − n + 1) / (n(n−1)/2).
export function meanAbsPairDifference(sortedLogs: number[]): number {
  const n = sortedLogs.length;
  let s = 0;
  for (let k = 0; k < n; k++) s += sortedLogs[k] * (2 * k - n + 1);
  return s / ((n * (n - 1)) / 2);
}

export function dispersionOf(prices: number[], measure: DispersionMeasure): number {
  if (measure === 'cv') {
    const mean = prices.reduce((a, b) => a + b, 0) / prices.length;
    const variance = prices.reduce((s, p) => s + (p - mean) ** 2, 0) / prices.length;
    return Math.sqrt(variance) / mean;
  }
  return meanAbsPairDifference(prices.map(Math.log).sort((a, b) => a - b));
}

// Months of each market, and whether the series has enough long-observed markets to enter.
function entryCheck(s: SeriesPrices, o: PanelOptions): { enters: boolean; reason: string } {
  const months = new Map<string, number>();
  for (const m of s.market) months.set(m, (months.get(m) ?? 0) + 1);
  const long = [...months.values()].filter((n) => n >= o.minMonths).length;
  return {
    enters: long >= o.minMarkets,
    reason: `${long} of its ${months.size} markets have a price in at least ${o.minMonths} months (minMarkets ${o.minMarkets})`,
  };
}

export function buildCrossCountryPanel(
  input: SeriesPrices[],
  subscriptions: Map<string, DatedValue[]>,
  options: PanelOptions,
): CrossCountryPanel {
  const series: SeriesInfo[] = [];
  const prices: SeriesPrices[] = [];
  const rows: SeriesMonthRow[] = [];
  const leftOut: LeftOut[] = [];
  const rowsWithoutCoverage: Record<string, number> = {};
  const priced = new Set(input.map((s) => s.country));
  for (const country of [...priced].sort())
    if (!subscriptions.get(country)?.length)
      leftOut.push({
        country,
        reason:
          'no subscriptions series is stored for it (import the World Bank WDI file IT.CEL.SETS.P2: cli import subscriptions <file>)',
      });
  const entered = new Set<string>();
  for (const s of input) {
    const subs = subscriptions.get(s.country);
    if (!subs?.length) continue;
    const check = entryCheck(s, options);
    if (!check.enters) {
      leftOut.push({ country: s.country, series: seriesId(s), reason: check.reason });
      continue;
    }
    const index = series.length;
    const before = rows.length;
    const markets = new Set<string>();
    for (let i = 0; i < s.month.length;) {
      let j = i;
      while (j < s.month.length && s.month[j] === s.month[i]) j++;
      const n = j - i;
      if (n >= 2) {
        const coverage = interpolateAt(subs, `${s.month[i]}-15`);
        if (coverage === null)
          rowsWithoutCoverage[s.country] = (rowsWithoutCoverage[s.country] ?? 0) + 1;
        else {
          for (let r = i; r < j; r++) markets.add(s.market[r]);
          rows.push({
            series: index,
            country: s.country,
            month: s.month[i],
            d: dispersionOf(s.price.slice(i, j), options.measure),
            markets: n,
            pairs: (n * (n - 1)) / 2,
            coverage,
          });
        }
      }
      i = j;
    }
    if (rows.length === before) {
      leftOut.push({
        country: s.country,
        series: seriesId(s),
        reason: 'no month with 2 priced markets on or after the first subscriptions value',
      });
      continue;
    }
    entered.add(s.country);
    prices.push(s);
    series.push({
      id: seriesId(s),
      country: s.country,
      commodity: s.commodity,
      unit: s.unit,
      priceType: s.priceType,
      currency: s.currency,
      markets: markets.size,
      months: rows.length - before,
      firstMonth: rows[before].month,
      lastMonth: rows[rows.length - 1].month,
      sources: s.sources ?? [],
    });
  }
  for (const country of [...priced].sort())
    if (subscriptions.get(country)?.length && !entered.has(country))
      leftOut.push({
        country,
        reason: `none of its series has ${options.minMarkets} markets priced in at least ${options.minMonths} months`,
      });
  return {
    options: {
      minMarkets: options.minMarkets,
      minMonths: options.minMonths,
      measure: options.measure,
    },
    series,
    rows,
    countries: [...entered].sort(),
    leftOut,
    rowsWithoutCoverage,
    prices,
  };
}
