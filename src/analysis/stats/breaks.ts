import { fUpper, tTwoSided } from './distributions';
import { ols } from './linear-model';
import { driscollKraayVcov } from './panel-regression';

// Structural breaks in the level of a series (y_t = μ_j in regime j): a Chow test at a given date
// and Bai-Perron multiple breaks by dynamic programming, the number of breaks chosen by BIC.
// Both as in R's strucchange (sctest(type = "Chow"), breakpoints(y ~ 1, h = 0.15)).

function prefixSums(y: number[]): { s: Float64Array; s2: Float64Array } {
  const s = new Float64Array(y.length + 1);
  const s2 = new Float64Array(y.length + 1);
  y.forEach((v, i) => {
    s[i + 1] = s[i] + v;
    s2[i + 1] = s2[i] + v * v;
  });
  return { s, s2 };
}

// RSS of the segment y[i..j] (inclusive) around its own mean.
const segmentRss = (p: { s: Float64Array; s2: Float64Array }, i: number, j: number): number => {
  const m = j - i + 1;
  const sum = p.s[j + 1] - p.s[i];
  return Math.max(0, p.s2[j + 1] - p.s2[i] - (sum * sum) / m);
};

export interface ChowResult {
  point: number; // observations in the first segment
  f: number;
  df1: number;
  df2: number;
  p: number;
}

// Chow test for a level shift after the first `point` observations:
// F = ((RSS - RSS1 - RSS2)/k) / ((RSS1 + RSS2)/(n - 2k)), k = 1 (the mean).
export function chowTest(y: number[], point: number): ChowResult | null {
  const n = y.length;
  if (point < 2 || n - point < 2) return null;
  const p = prefixSums(y);
  const k = 1;
  const rss = segmentRss(p, 0, n - 1);
  const rssU = segmentRss(p, 0, point - 1) + segmentRss(p, point, n - 1);
  const df2 = n - 2 * k;
  const f = (rss - rssU) / k / (rssU / df2);
  return { point, f, df1: k, df2, p: fUpper(f, k, df2) };
}

export interface HacChowResult {
  point: number;
  shift: number; // mean after minus mean before
  se: number; // Newey-West (Bartlett kernel, no prewhitening, no small-sample adjustment)
  t: number;
  lag: number;
  p: number; // two-sided, t with n - 2 df (as lmtest::coeftest on an lm)
}

// The usual Newey-West lag rule, floor(4 (n/100)^(2/9)).
export const neweyWestLag = (n: number): number => Math.floor(4 * (n / 100) ** (2 / 9));

// The Chow level-shift test made robust to autocorrelation: y_t = a + b·1[t > point] + e_t with
// b's variance from the Newey-West (HAC) estimator, (X'X)^-1 S (X'X)^-1 where
// S = Σ_t x_t x_t' e_t² + Σ_{l=1..L} (1 - l/(L+1)) Σ_t (x_t x_{t-l}' + x_{t-l} x_t') e_t e_{t-l}.
// As R: coeftest(lm(y ~ D), vcov. = NeweyWest(m, lag = L, prewhite = FALSE, adjust = FALSE)).
export function chowTestHac(
  y: number[],
  point: number,
  lag = neweyWestLag(y.length),
): HacChowResult | null {
  const n = y.length;
  if (point < 2 || n - point < 2) return null;
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const m0 = mean(y.slice(0, point));
  const m1 = mean(y.slice(point));
  const d = (t: number) => (t >= point ? 1 : 0);
  const e = y.map((v, t) => v - (d(t) ? m1 : m0));
  // S as a 2x2 matrix over x_t = (1, d_t)
  const s = [
    [0, 0],
    [0, 0],
  ];
  const add = (t: number, u: number, w: number) => {
    const xt = [1, d(t)];
    const xu = [1, d(u)];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++)
        s[i][j] += w * e[t] * e[u] * (xt[i] * xu[j] + (t === u ? 0 : xu[i] * xt[j]));
  };
  for (let t = 0; t < n; t++) add(t, t, 1);
  for (let l = 1; l <= lag; l++) for (let t = l; t < n; t++) add(t, t - l, 1 - l / (lag + 1));
  // (X'X)^-1 for X = [1, D] with n1 = n - point ones in D
  const n1 = n - point;
  const det = n * n1 - n1 * n1;
  const inv = [
    [n1 / det, -n1 / det],
    [-n1 / det, n / det],
  ];
  const mul = (a: number[][], b: number[][]) =>
    a.map((row) => b[0].map((_, j) => row.reduce((acc, v, k) => acc + v * b[k][j], 0)));
  const v = mul(mul(inv, s), inv);
  const shift = m1 - m0;
  const se = Math.sqrt(v[1][1]);
  const t = shift / se;
  return { point, shift, se, t, lag, p: tTwoSided(t, n - 2) };
}

export interface TrendBreakResult {
  point: number; // observations before the break
  slopeBefore: number; // per year
  slopeChange: number; // the break in the trend, per year
  levelShift: number; // the jump at the break date
  se: number; // of slopeChange: Newey-West (Bartlett, no prewhitening, no small-sample adjustment)
  t: number;
  p: number; // two-sided, t with n - 4 df (as lmtest::coeftest on the lm)
  lag: number;
}

// A break in the trend, not in the level: a trending series fails a mean-shift test at almost any
// date. y_t = a + b·t + c·D_t + d·(t − t0)·D_t + e_t, t in years, D_t = 1 from the break date t0;
// d (the change of slope) tested with Newey-West (HAC) errors; null with too few observations on
// a side. As R:
// coeftest(lm(y ~ t + D + I((t - t0) * D)), vcov. = NeweyWest(m, lag = L, prewhite = FALSE, adjust = FALSE)).
export const TREND_BREAK_MIN_SIDE = 8;

export function trendBreakHac(
  y: number[],
  years: number[],
  breakYear: number,
  lag = neweyWestLag(y.length),
): TrendBreakResult | null {
  const n = y.length;
  const point = years.filter((t) => t < breakYear).length;
  // each side at least 15 % of the sample and 8 observations: a slope from three points past the
  // date fits them almost exactly and "rejects" with any t
  const side = Math.max(TREND_BREAK_MIN_SIDE, Math.ceil(0.15 * n));
  if (point < side || n - point < side) return null;
  const one = new Float64Array(n).fill(1);
  const t = Float64Array.from(years);
  const d = Float64Array.from(years, (x) => (x >= breakYear ? 1 : 0));
  const dt = Float64Array.from(years, (x) => (x >= breakYear ? x - breakYear : 0));
  const cols = [one, t, d, dt];
  const fit = ols(Float64Array.from(y), cols);
  const time = { groups: Int32Array.from({ length: n }, (_, i) => i), count: n };
  const v = driscollKraayVcov(cols, fit.resid, fit.xtxInv, time, lag);
  const se = Math.sqrt(v[3][3]);
  const tStat = fit.coef[3] / se;
  return {
    point,
    slopeBefore: fit.coef[1],
    slopeChange: fit.coef[3],
    levelShift: fit.coef[2],
    se,
    t: tStat,
    p: tTwoSided(tStat, n - 4),
    lag,
  };
}

export interface BreaksResult {
  n: number;
  h: number; // minimum segment length, floor(trim · n)
  breaks: number[]; // chosen by BIC: index of the last observation of each regime (1-based, as strucchange)
  bic: { breaks: number; rss: number; bic: number }[];
  means: number[];
}

// Bai and Perron (2003): for m = 0..M breaks the partition with the smallest total RSS and every
// segment at least h = floor(0.15 n) long (dynamic programming over segment RSS); the m with the
// smallest BIC = -2 logLik + log(n)·(k+1)(m+1), logLik = -n/2 (log RSS + 1 - log n + log 2π), k = 1.
export function baiPerron(y: number[], trim = 0.15, maxBreaks?: number): BreaksResult | null {
  const n = y.length;
  const h = Math.floor(trim * n);
  if (h < 2) return null;
  const M = Math.min(maxBreaks ?? Infinity, Math.floor(n / h) - 1);
  const p = prefixSums(y);
  // best[m][j]: min RSS of y[0..j] split into m+1 segments; arg[m][j]: end of the m-th segment
  const best: Float64Array[] = [];
  const arg: Int32Array[] = [];
  best[0] = new Float64Array(n).fill(Infinity);
  arg[0] = new Int32Array(n).fill(-1);
  for (let j = h - 1; j < n; j++) best[0][j] = segmentRss(p, 0, j);
  for (let m = 1; m <= M; m++) {
    best[m] = new Float64Array(n).fill(Infinity);
    arg[m] = new Int32Array(n).fill(-1);
    for (let j = (m + 1) * h - 1; j < n; j++) {
      for (let b = m * h - 1; b <= j - h; b++) {
        const v = best[m - 1][b] + segmentRss(p, b + 1, j);
        if (v < best[m][j]) {
          best[m][j] = v;
          arg[m][j] = b;
        }
      }
    }
  }
  const bic: BreaksResult['bic'] = [];
  let chosen = 0;
  for (let m = 0; m <= M; m++) {
    const rss = best[m][n - 1];
    if (!Number.isFinite(rss)) break;
    const logLik = (-n / 2) * (Math.log(rss) + 1 - Math.log(n) + Math.log(2 * Math.PI));
    const b = -2 * logLik + Math.log(n) * 2 * (m + 1);
    bic.push({ breaks: m, rss, bic: b });
    if (b < bic[chosen].bic) chosen = m;
  }
  const breaks: number[] = [];
  for (let m = chosen, j = n - 1; m > 0; m--) {
    j = arg[m][j];
    breaks.unshift(j + 1);
  }
  const bounds = [0, ...breaks, n];
  const means = bounds.slice(1).map((end, i) => (p.s[end] - p.s[bounds[i]]) / (end - bounds[i]));
  return { n, h, breaks, bic, means };
}
