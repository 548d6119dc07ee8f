import { constant, ols } from './linear-model';

export interface BetaConvergence {
  n: number;
  alpha: number;
  beta: number;
  betaSe: number;
  betaP: number;
}

// Beta-convergence over a balanced panel of log prices p[t][i] (dates × markets):
// Δp_{i,t+1} = α + β (p_it - mean_i p_it) + e, pooled OLS with classical standard errors.
// β < 0: markets above the cross-market mean fall back towards it. Needs at least 3 dates.
export function betaConvergence(logPrices: number[][]): BetaConvergence | null {
  const T = logPrices.length;
  if (T < 3) return null;
  const M = logPrices[0].length;
  const dy: number[] = [];
  const dev: number[] = [];
  for (let t = 0; t + 1 < T; t++) {
    const mean = logPrices[t].reduce((a, b) => a + b, 0) / M;
    for (let i = 0; i < M; i++) {
      dy.push(logPrices[t + 1][i] - logPrices[t][i]);
      dev.push(logPrices[t][i] - mean);
    }
  }
  const fit = ols(Float64Array.from(dy), [constant(dy.length), Float64Array.from(dev)]);
  return {
    n: dy.length,
    alpha: fit.coef[0],
    beta: fit.coef[1],
    betaSe: fit.se[1],
    betaP: fit.p[1],
  };
}
