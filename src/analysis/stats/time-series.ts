import { Column, constant, ols } from './linear-model';
import { fUpper } from './distributions';

// Time-series estimators over plain arrays, each checked against R (test/fixtures/analysis/).

export interface HalfLife {
  n: number; // observations in the regression (pairs of consecutive values)
  c: number;
  rho: number;
  rhoSe: number;
  halfLifeIntervals: number | null; // ln(0.5)/ln(rho), none when rho is outside (0, 1)
  medianIntervalDays: number | null;
  // in days only when at least one survey interval: a shorter half-life is not seen in the data
  halfLifeDays: number | null;
  underOneInterval: boolean; // the gap halves within one survey interval (0 < ρ < 0.5, or ρ <= 0)
}

// AR(1) by OLS over consecutive observations: q_t = c + ρ q_{t-1} + e_t; half-life ln(0.5)/ln(ρ)
// in survey intervals, and in days using the median spacing of the dates (only when it is at least
// one interval: a half-life shorter than the spacing of the surveys is below what they can resolve).
export function halfLife(q: number[], days?: number[]): HalfLife {
  const n = q.length - 1;
  const y = Float64Array.from(q.slice(1));
  const lag = Float64Array.from(q.slice(0, -1));
  const fit = ols(y, [constant(n), lag]);
  const rho = fit.coef[1];
  const hl = rho > 0 && rho < 1 ? Math.log(0.5) / Math.log(rho) : null;
  let medianIntervalDays: number | null = null;
  if (days && days.length === q.length) {
    const gaps = days
      .slice(1)
      .map((d, i) => d - days[i])
      .sort((a, b) => a - b);
    const m = gaps.length;
    medianIntervalDays = m % 2 ? gaps[(m - 1) / 2] : (gaps[m / 2 - 1] + gaps[m / 2]) / 2;
  }
  return {
    n,
    c: fit.coef[0],
    rho,
    rhoSe: fit.se[1],
    halfLifeIntervals: hl,
    medianIntervalDays,
    halfLifeDays:
      hl !== null && hl >= 1 && medianIntervalDays !== null ? hl * medianIntervalDays : null,
    underOneInterval: rho < 0.5,
  };
}

// R's AIC for a linear model: n·log(2π) + n·log(RSS/n) + n + 2·(k+1).
const aicLm = (rss: number, n: number, k: number, penalty = 2): number =>
  n * Math.log(2 * Math.PI) + n * Math.log(rss / n) + n + penalty * (k + 1);

export interface AdfResult {
  tau: number; // t statistic of γ in Δy_t = c + γ y_{t-1} + Σ δ_i Δy_{t-i} + e_t
  lags: number; // lagged differences used
  n: number;
  criticalValues: { '1pct': number; '5pct': number; '10pct': number };
}

// Augmented Dickey-Fuller with a drift, lags chosen by AIC as urca::ur.df(type = "drift",
// lags = maxLag, selectlags = "AIC") does: every order 1..maxLag fitted on the same sample (the
// last n - maxLag - 1 differences), the order with the smallest AIC kept (at least one lag).
// Critical values: MacKinnon's (2010) response surfaces for the constant-only case (urca prints
// Hamilton's table by sample size instead; the statistic is the same).
export function adf(y: number[], maxLag: number): AdfResult {
  const z = y.slice(1).map((v, i) => v - y[i]); // differences, length N-1
  const lagsPlus = maxLag + 1;
  const n = z.length;
  const rows = n - lagsPlus + 1; // embed(z, lags+1) rows
  const zDiff = new Float64Array(rows);
  const zLag1 = new Float64Array(rows);
  const diffLags: Float64Array[] = Array.from({ length: maxLag }, () => new Float64Array(rows));
  for (let r = 0; r < rows; r++) {
    const t = r + lagsPlus - 1; // index in z of the current difference
    zDiff[r] = z[t];
    zLag1[r] = y[t]; // y_{t-1} in R's indexing: y[lags:n]
    for (let l = 1; l <= maxLag; l++) diffLags[l - 1][r] = z[t - l];
  }
  const fitFor = (p: number) => ols(zDiff, [constant(rows), zLag1, ...diffLags.slice(0, p)]);
  let best = maxLag >= 1 ? 1 : 0;
  if (maxLag >= 1) {
    let bestAic = Infinity;
    for (let p = 1; p <= maxLag; p++) {
      const f = fitFor(p);
      const a = aicLm(f.rss, rows, f.k);
      if (a < bestAic) {
        bestAic = a;
        best = p;
      }
    }
  }
  const fit = fitFor(best);
  const T = rows;
  // MacKinnon (2010) response surfaces, constant no trend: b0 + b1/T + b2/T² + b3/T³
  const cv = (b0: number, b1: number, b2: number, b3: number) =>
    b0 + b1 / T + b2 / T ** 2 + b3 / T ** 3;
  return {
    tau: fit.t[1],
    lags: best,
    n: rows,
    criticalValues: {
      '1pct': cv(-3.43035, -6.5393, -16.786, -79.433),
      '5pct': cv(-2.86154, -2.8903, -4.234, -40.04),
      '10pct': cv(-2.56677, -1.5384, -2.809, 0),
    },
  };
}

export interface GrangerResult {
  lags: number;
  f: number;
  df1: number;
  df2: number;
  p: number;
  n: number;
}

function lagMatrix(v: number[], p: number, start: number, rows: number): Column[] {
  return Array.from({ length: p }, (_, l) =>
    Float64Array.from({ length: rows }, (_, r) => v[start + r - (l + 1)]),
  );
}

// Does x Granger-cause y? y_t = c + Σ_{i=1..p} a_i y_{t-i} + Σ b_i x_{t-i} + e against the model
// without the x lags: F = ((RSS_r - RSS_u)/p) / (RSS_u/(n - 2p - 1)), as lmtest::grangertest(x, y, order = p).
export function granger(x: number[], y: number[], p: number): GrangerResult {
  const rows = y.length - p;
  const yy = Float64Array.from(y.slice(p));
  const yl = lagMatrix(y, p, p, rows);
  const xl = lagMatrix(x, p, p, rows);
  const u = ols(yy, [constant(rows), ...yl, ...xl]);
  const r = ols(yy, [constant(rows), ...yl]);
  const df2 = rows - 2 * p - 1;
  const f = (r.rss - u.rss) / p / (u.rss / df2);
  return { lags: p, f, df1: p, df2, p: fUpper(f, p, df2), n: rows };
}

// The lag order 1..maxLag whose unrestricted Granger regression has the smallest BIC, all orders
// fitted on the same sample (the observations after the first maxLag).
export function grangerLagsByBic(x: number[], y: number[], maxLag: number): number {
  let best = 1;
  let bestBic = Infinity;
  const rows = y.length - maxLag;
  const yy = Float64Array.from(y.slice(maxLag));
  for (let p = 1; p <= maxLag; p++) {
    const fit = ols(yy, [
      constant(rows),
      ...lagMatrix(y, p, maxLag, rows),
      ...lagMatrix(x, p, maxLag, rows),
    ]);
    const bic = rows * Math.log(fit.rss / rows) + (2 * p + 1) * Math.log(rows);
    if (bic < bestBic) {
      bestBic = bic;
      best = p;
    }
  }
  return best;
}
