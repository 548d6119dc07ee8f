import { zTwoSided } from './distributions';

// Mann-Kendall trend test with the Hamed and Rao (1998) variance correction for autocorrelation,
// and Sen's slope.

export interface TrendResult {
  n: number;
  s: number; // Σ_{i<j} sign(x_j - x_i)
  varS: number; // with the ties correction
  varSCorrected: number; // varS · n/n* (Hamed-Rao)
  nOverNStar: number;
  // (S - sign(S)) / sqrt(varSCorrected) and its two-sided p; null when the Hamed-Rao factor n/n*
  // is not positive (strong negative rank autocorrelation): the corrected variance is undefined
  z: number | null;
  p: number | null;
  tau: number; // Kendall's tau = S / (n(n-1)/2)
  senSlopePerStep: number; // median of (x_j - x_i)/(j - i)
  senSlopePerYear: number | null; // median of (x_j - x_i)/(t_j - t_i), t in years, when dates given
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length;
  return m % 2 ? s[(m - 1) / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
};

// Ranks 1..n, ties given their average rank (as R's rank()).
function averageRanks(x: number[]): number[] {
  const idx = x.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(x.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
    for (let k = i; k <= j; k++) r[idx[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

// Sample autocorrelation at lags 1..n-1 as R's acf(): Σ (x_t - m)(x_{t+k} - m) / Σ (x_t - m)².
function acf(x: number[]): number[] {
  const n = x.length;
  const m = x.reduce((a, b) => a + b, 0) / n;
  const d = x.map((v) => v - m);
  const c0 = d.reduce((a, v) => a + v * v, 0);
  return Array.from({ length: n - 1 }, (_, k) => {
    let s = 0;
    for (let t = 0; t + k + 1 < n; t++) s += d[t] * d[t + k + 1];
    return s / c0;
  });
}

// x in time order; `years` optional (decimal years of each value) for Sen's slope per year.
// Hamed-Rao: the series is detrended with Sen's slope per step, its ranks' autocorrelations at
// lags 1..n-1 that are significant at 5 % (|r_k| > 1.96/√n) enter
// n/n* = 1 + 2/(n(n-1)(n-2)) Σ_k (n-k)(n-k-1)(n-k-2) r_k. Needs n >= 4 (returns null below).
export function mannKendall(x: number[], years?: number[]): TrendResult | null {
  const n = x.length;
  if (n < 4) return null;
  let s = 0;
  const slopes: number[] = [];
  const slopesYear: number[] = [];
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) {
      s += Math.sign(x[j] - x[i]);
      slopes.push((x[j] - x[i]) / (j - i));
      if (years && years[j] !== years[i]) slopesYear.push((x[j] - x[i]) / (years[j] - years[i]));
    }
  }
  const ties = new Map<number, number>();
  for (const v of x) ties.set(v, (ties.get(v) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) if (t > 1) tieTerm += t * (t - 1) * (2 * t + 5);
  const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const slope = median(slopes);
  const detrended = x.map((v, i) => v - slope * (i + 1));
  const r = acf(averageRanks(detrended));
  const bound = 1.96 / Math.sqrt(n);
  let sum = 0;
  r.forEach((rk, i) => {
    const k = i + 1;
    if (Math.abs(rk) > bound) sum += (n - k) * (n - k - 1) * (n - k - 2) * rk;
  });
  const nOverNStar = 1 + (2 / (n * (n - 1) * (n - 2))) * sum;
  const varSCorrected = varS * nOverNStar;
  const z = !(varSCorrected > 0)
    ? null
    : s === 0
      ? 0
      : (s - Math.sign(s)) / Math.sqrt(varSCorrected);
  return {
    n,
    s,
    varS,
    varSCorrected,
    nOverNStar,
    z,
    p: z === null ? null : zTwoSided(z),
    tau: s / ((n * (n - 1)) / 2),
    senSlopePerStep: slope,
    senSlopePerYear: slopesYear.length ? median(slopesYear) : null,
  };
}
