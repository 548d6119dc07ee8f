import { mean, sampleStandardDeviation, standardDeviation } from 'simple-statistics';

export interface PricePoint {
  date: string;
  market: string;
  value: number;
}

export interface DispersionAtDate {
  date: string;
  n: number;
  mean: number;
  cv: number;
  cvSample: number;
  sdLog: number;
  maxMinRatio: number;
  meanAbsLogDiff: number;
}

export type DispersionMeasure = Exclude<keyof DispersionAtDate, 'date' | 'n'>;
export const DISPERSION_MEASURES: DispersionMeasure[] = [
  'mean',
  'cv',
  'cvSample',
  'sdLog',
  'maxMinRatio',
  'meanAbsLogDiff',
];

// Cross-market dispersion of one date's prices p_1..p_n (n >= 2, every p > 0):
//   mean = Σp/n; cv = σ/mean with σ the population SD (divisor n); cvSample = s/mean with s the
//   sample SD (divisor n-1); sdLog = population SD of ln p; maxMinRatio = max p / min p;
//   meanAbsLogDiff = mean over the n(n-1)/2 pairs i<j of |ln p_i - ln p_j|.
// Returns undefined for n < 2 (no dispersion to measure). Non-positive prices must not reach here.
export function dispersionOf(date: string, prices: number[]): DispersionAtDate | undefined {
  const n = prices.length;
  if (n < 2) return undefined;
  const logs = prices.map(Math.log);
  const m = mean(prices);
  let pairSum = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) pairSum += Math.abs(logs[i] - logs[j]);
  return {
    date,
    n,
    mean: m,
    cv: standardDeviation(prices) / m,
    cvSample: sampleStandardDeviation(prices) / m,
    sdLog: standardDeviation(logs),
    maxMinRatio: Math.max(...prices) / Math.min(...prices),
    meanAbsLogDiff: pairSum / ((n * (n - 1)) / 2),
  };
}

export interface DispersionOptions {
  // Only dates where every one of these markets was observed (a balanced panel); otherwise
  // every date with at least two markets.
  balancedOver?: string[];
}

// Dispersion at every date on which at least two markets were observed, in date order.
export function dispersionSeries(
  points: PricePoint[],
  opts: DispersionOptions = {},
): DispersionAtDate[] {
  const byDate = new Map<string, Map<string, number>>();
  for (const p of points) {
    if (!(p.value > 0)) continue;
    let d = byDate.get(p.date);
    if (!d) byDate.set(p.date, (d = new Map<string, number>()));
    d.set(p.market, p.value);
  }
  const out: DispersionAtDate[] = [];
  for (const date of [...byDate.keys()].sort()) {
    const markets = byDate.get(date)!;
    if (opts.balancedOver && !opts.balancedOver.every((m) => markets.has(m))) continue;
    const prices = opts.balancedOver
      ? opts.balancedOver.map((m) => markets.get(m)!)
      : [...markets.values()];
    const d = dispersionOf(date, prices);
    if (d) out.push(d);
  }
  return out;
}

export interface DispersionYear {
  year: number;
  dates: number;
  mean: number;
  cv: number;
  cvSample: number;
  sdLog: number;
  maxMinRatio: number;
  meanAbsLogDiff: number;
}

// The mean of each measure over a calendar year's survey dates (each date weighs the same).
export function dispersionByYear(series: DispersionAtDate[]): DispersionYear[] {
  const groups = new Map<number, DispersionAtDate[]>();
  for (const d of series) {
    const y = Number(d.date.slice(0, 4));
    let g = groups.get(y);
    if (!g) groups.set(y, (g = [] as DispersionAtDate[]));
    g.push(d);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([year, g]) => {
      const avg = (k: DispersionMeasure) => mean(g.map((d) => d[k]));
      return {
        year,
        dates: g.length,
        mean: avg('mean'),
        cv: avg('cv'),
        cvSample: avg('cvSample'),
        sdLog: avg('sdLog'),
        maxMinRatio: avg('maxMinRatio'),
        meanAbsLogDiff: avg('meanAbsLogDiff'),
      };
    });
}
