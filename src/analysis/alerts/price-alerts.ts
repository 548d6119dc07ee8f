import { monthName, monthNumber } from '../../common/dates';

// Price alerts for one market's monthly series (pure), as WFP and FAO define them.
//
// The series: the market's monthly prices P_t (the mean of its observations in the month), months
// numbered t = year·12 + month − 1, with gaps. Everything is computed from the months up to and
// including the month assessed, so that history can be recomputed as of any month.
//
// Eligibility (WFP's rule): at least 36 months from the first value to the last, at least 70 % of
// those months with a value, and a value in the last 6 months up to the month assessed.
//
// ALPS (WFP's Alert for Price Spikes): OLS of P_t on a linear trend in months and 11 calendar-month
// dummies (the first calendar month with a value the reference, January where it has one; a month
// with no value has no dummy, as in R's lm); σ = the residual standard deviation with n − k degrees of freedom (k the columns kept);
// ALPS = (P − P̂)/σ at the month assessed. Classes: < 0.25 normal, [0.25, 1) stress, [1, 2) alert,
// ≥ 2 crisis.
//
// IFPA (FAO's Indicator of Food Price Anomalies, SDG 2.c.1) on the market's own monthly prices:
// CQGR = (P_m / P_{m−3})^{1/3} − 1 and CAGR = (P_m / P_{m−12})^{1/12} − 1 where both prices exist;
// for the calendar month assessed, the mean and sample SD over years of each (every year weighs the
// same: FAO's weighting is not published in detail); IFPA = 0.4·z_CQGR + 0.6·z_CAGR. Classes: ≥ 1
// abnormally high, [0.5, 1) moderately high, ≤ −1 abnormally low, otherwise normal.

export const MIN_SPAN_MONTHS = 36;
export const MIN_SHARE = 0.7;
export const RECENT_MONTHS = 6;

export type AlpsClass = 'normal' | 'stress' | 'alert' | 'crisis';
export type IfpaClass = 'abnormally high' | 'moderately high' | 'normal' | 'abnormally low';

export const ALPS_SEVERITY: Record<AlpsClass, number> = {
  normal: 0,
  stress: 1,
  alert: 2,
  crisis: 3,
};

export const alpsClass = (v: number): AlpsClass =>
  v >= 2 ? 'crisis' : v >= 1 ? 'alert' : v >= 0.25 ? 'stress' : 'normal';

export const ifpaClass = (v: number): IfpaClass =>
  v >= 1 ? 'abnormally high' : v >= 0.5 ? 'moderately high' : v <= -1 ? 'abnormally low' : 'normal';

export interface MonthlyPrice {
  t: number; // year·12 + month − 1
  price: number;
}

// One market's monthly prices as two columns, sorted by t: a country's 12,000 market series of
// 240 months each as 2.9 million objects made every-series alerts slow (their allocation and
// the garbage collector's work were a third of it).
export interface MonthlyPrices {
  t: Int32Array; // year·12 + month − 1, ascending
  price: Float64Array;
}

// A list of monthly prices (sorted by t) as columns.
export function monthlyPrices(list: readonly MonthlyPrice[]): MonthlyPrices {
  const t = new Int32Array(list.length);
  const price = new Float64Array(list.length);
  list.forEach((p, i) => {
    t[i] = p.t;
    price[i] = p.price;
  });
  return { t, price };
}

export { monthName, monthNumber };

export type Eligibility =
  | { eligible: true; spanMonths: number; share: number }
  | { eligible: false; spanMonths: number; share: number; reason: string };

// `series` sorted by t, every t ≤ assessed.
export function eligibility(series: MonthlyPrices, assessed: number): Eligibility {
  const n = series.t.length;
  if (!n) return { eligible: false, spanMonths: 0, share: 0, reason: 'no value up to the month' };
  const first = series.t[0];
  const last = series.t[n - 1];
  const span = last - first + 1;
  const share = n / span;
  const base = { spanMonths: span, share };
  if (span < MIN_SPAN_MONTHS)
    return {
      eligible: false,
      ...base,
      reason: `${span} months from the first value (${monthName(first)}) to the last (${monthName(last)}): at least ${MIN_SPAN_MONTHS} needed`,
    };
  if (share < MIN_SHARE)
    return {
      eligible: false,
      ...base,
      reason: `${n} of ${span} months have a value (${(100 * share).toFixed(1)} %): at least ${100 * MIN_SHARE} % needed`,
    };
  if (assessed - last >= RECENT_MONTHS)
    return {
      eligible: false,
      ...base,
      reason: `no value in the ${RECENT_MONTHS} months to ${monthName(assessed)} (the last is ${monthName(last)})`,
    };
  return { eligible: true, ...base };
}

export interface AlpsFit {
  coef: number[]; // intercept, trend, then the kept month dummies
  months: number[]; // the calendar months (t % 12, 0 January) of the kept dummies
  sigma: number;
  df: number;
  trendAt(t: number): number;
}

// The ALPS regression on every value of `series`. A trend and calendar-month dummies with an
// intercept span the same space as one intercept per calendar month and a common trend, so the
// fit is the within-month one: the trend's slope from the deviations of t and P from their
// calendar month's means, each month's level from its means. Exact (the same fitted values, RSS
// and σ as lm(price ~ t + factor(month))), in one pass, where a QR of the n × 13 design per
// market made every-series alerts slow. The reference month is the first calendar month with a
// value (January when it has one), as in R; k = the months with a value + 1.
export function alpsFit(series: MonthlyPrices): AlpsFit | null {
  const { t, price } = series;
  const n = t.length;
  if (n === 0) return null;
  const t0 = t[0];
  const count = new Float64Array(12);
  const sumX = new Float64Array(12);
  const sumY = new Float64Array(12);
  for (let i = 0; i < n; i++) {
    const g = t[i] % 12;
    count[g]++;
    sumX[g] += t[i] - t0;
    sumY[g] += price[i];
  }
  const present: number[] = [];
  for (let g = 0; g < 12; g++) if (count[g] > 0) present.push(g);
  const k = present.length + 1;
  if (n <= k) return null;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const g = t[i] % 12;
    const dx = t[i] - t0 - sumX[g] / count[g];
    sxx += dx * dx;
    sxy += dx * (price[i] - sumY[g] / count[g]);
  }
  const slope = sxy / sxx;
  const level = new Float64Array(12); // each calendar month's intercept at t = t0
  for (const g of present) level[g] = sumY[g] / count[g] - (slope * sumX[g]) / count[g];
  const ref = present[0];
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (price[i] - level[t[i] % 12] - slope * (t[i] - t0)) ** 2;
  const months = present.slice(1);
  const df = n - k;
  return {
    coef: [level[ref], slope, ...months.map((g) => level[g] - level[ref])],
    months,
    sigma: Math.sqrt(rss / df),
    df,
    trendAt: (at: number) => (count[at % 12] > 0 ? level[at % 12] : level[ref]) + slope * (at - t0),
  };
}

export interface AlpsValue {
  value: number;
  class: AlpsClass;
  trend: number;
  sigma: number;
}

// The months of a series up to `assessed` (views of its columns, not copies).
export function upTo(series: MonthlyPrices, assessed: number): MonthlyPrices {
  const { t } = series;
  let end = t.length;
  while (end > 0 && t[end - 1] > assessed) end--;
  return end === t.length
    ? series
    : { t: t.subarray(0, end), price: series.price.subarray(0, end) };
}

export function alpsAt(series: MonthlyPrices, assessed: number): AlpsValue | null {
  const known = upTo(series, assessed);
  const n = known.t.length;
  if (!n || known.t[n - 1] !== assessed) return null;
  const fit = alpsFit(known);
  if (!fit || !(fit.sigma > 0)) return null;
  const trend = fit.trendAt(assessed);
  const value = (known.price[n - 1] - trend) / fit.sigma;
  return { value, class: alpsClass(value), trend, sigma: fit.sigma };
}

export interface IfpaValue {
  value: number;
  class: IfpaClass;
  cqgr: number;
  cagr: number;
  zCqgr: number;
  zCagr: number;
  years: number; // years of the calendar month with both growth rates
}

const sampleMeanSd = (v: number[]) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1));
  return { mean, sd };
};

// IFPA at the month assessed, from the growth rates of the same calendar month in every year up to
// it; null when the month has no growth rate or fewer than 2 years with one (no SD).
export function ifpaAt(
  series: MonthlyPrices,
  assessed: number,
): { value: IfpaValue } | { reason: string } {
  // the prices by month from the first (NaN where a month has none)
  const known = upTo(series, assessed);
  const first = known.t.length ? known.t[0] : assessed;
  const price = new Float64Array(Math.max(assessed - first + 1, 0)).fill(NaN);
  for (let i = 0; i < known.t.length; i++) price[known.t[i] - first] = known.price[i];
  const at = (t: number) => (t >= first && t <= assessed ? price[t - first] : NaN);
  const growth = (t: number) => {
    const p = at(t);
    const q3 = at(t - 3);
    const y1 = at(t - 12);
    if (Number.isNaN(p) || Number.isNaN(q3) || Number.isNaN(y1)) return null;
    return { cqgr: (p / q3) ** (1 / 3) - 1, cagr: (p / y1) ** (1 / 12) - 1 };
  };
  const now = growth(assessed);
  if (!now)
    return {
      reason: `no price 3 or 12 months before ${monthName(assessed)}: no quarterly and annual growth rates`,
    };
  const same: { cqgr: number; cagr: number }[] = [];
  for (let t = assessed; t >= first; t -= 12) {
    const g = growth(t);
    if (g) same.push(g);
  }
  if (same.length < 2)
    return {
      reason: `${same.length} year with both growth rates for ${monthName(assessed).slice(5)}: the standard deviation over years needs 2`,
    };
  const q = sampleMeanSd(same.map((g) => g.cqgr));
  const a = sampleMeanSd(same.map((g) => g.cagr));
  if (!(q.sd > 0) || !(a.sd > 0))
    return { reason: 'the growth rates do not vary over the years: no standardised anomaly' };
  const zCqgr = (now.cqgr - q.mean) / q.sd;
  const zCagr = (now.cagr - a.mean) / a.sd;
  const value = 0.4 * zCqgr + 0.6 * zCagr;
  return {
    value: {
      value,
      class: ifpaClass(value),
      cqgr: now.cqgr,
      cagr: now.cagr,
      zCqgr,
      zCagr,
      years: same.length,
    },
  };
}
