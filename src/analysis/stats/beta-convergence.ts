import { tTwoSided } from './distributions';
import { constant, ols } from './linear-model';
import { clusterVcov } from './panel-regression';

export interface BetaConvergence {
  n: number;
  alpha: number;
  beta: number;
  betaSe: number;
  betaP: number;
  // clustered by date: the deviations from the cross-market mean sum to zero on each date, so
  // the errors of one date are not independent; G/(G-1)·(N-1)/(N-K), t with G-1 df (as
  // sandwich::vcovCL(type = "HC1") with lmtest's t on G-1 df)
  betaSeClustered: number;
  betaPClustered: number;
  clusters: number;
}

// Beta-convergence over a balanced panel of log prices p[t][i] (dates × markets):
// Δp_{i,t+1} = α + β (p_it - mean_i p_it) + e, pooled OLS; classical standard errors and errors
// clustered by date (the one to read). β < 0: markets above the cross-market mean fall back
// towards it. Needs at least 3 dates.
export function betaConvergence(logPrices: number[][]): BetaConvergence | null {
  const T = logPrices.length;
  if (T < 3) return null;
  const M = logPrices[0].length;
  const dy: number[] = [];
  const dev: number[] = [];
  const date: number[] = [];
  for (let t = 0; t + 1 < T; t++) {
    const mean = logPrices[t].reduce((a, b) => a + b, 0) / M;
    for (let i = 0; i < M; i++) {
      dy.push(logPrices[t + 1][i] - logPrices[t][i]);
      dev.push(logPrices[t][i] - mean);
      date.push(t);
    }
  }
  const cols = [constant(dy.length), Float64Array.from(dev)];
  const fit = ols(Float64Array.from(dy), cols);
  const clusters = T - 1;
  const v = clusterVcov(cols, fit.resid, fit.xtxInv, {
    groups: Int32Array.from(date),
    count: clusters,
  });
  const seC = Math.sqrt(v[1][1]);
  return {
    n: dy.length,
    alpha: fit.coef[0],
    beta: fit.coef[1],
    betaSe: fit.se[1],
    betaP: fit.p[1],
    betaSeClustered: seC,
    betaPClustered: tTwoSided(fit.coef[1] / seC, clusters - 1),
    clusters,
  };
}
