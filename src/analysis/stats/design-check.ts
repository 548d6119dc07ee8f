import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Column } from './linear-model';

// Before any coefficient is printed: can the design identify it at all? Four ways it cannot, each
// a reason instead of a number:
// - the regressor has no variation left within the fixed effects (absorbed by them);
// - fewer than two clusters in which the regressor varies: with one, the cluster-robust "meat" of
//   that cluster is its score Σ x̃e, which the normal equations force to zero, so the clustered
//   standard error collapses to rounding noise (7.7e-17) and t and p are meaningless;
// - the demeaned regressors are (nearly) collinear: the condition number of their correlation
//   matrix above CONDITION_LIMIT;
// - after the fit, a standard error below SE_FLOOR times its coefficient (a degenerate covariance).

export const CONDITION_LIMIT = 1e10;
export const SE_FLOOR = 1e-10;

export type DesignCheck = { identified: true } | { identified: false; reason: string };

// Clusters in which a raw regressor is not constant: the clusters that carry its within-cluster
// variation (for a 0/1 coverage indicator with pair clusters: the pairs that switch coverage).
export function varyingClusters(x: ArrayLike<number>, cluster: Int32Array, count: number): number {
  const first = new Float64Array(count).fill(NaN);
  const varies = new Uint8Array(count);
  for (let r = 0; r < x.length; r++) {
    const g = cluster[r];
    if (Number.isNaN(first[g])) first[g] = x[r];
    else if (Math.abs(x[r] - first[g]) > 1e-12 * Math.max(1, Math.abs(first[g]))) varies[g] = 1;
  }
  let n = 0;
  for (const v of varies) n += v;
  return n;
}

// The condition number (largest / smallest eigenvalue) of the correlation matrix of the columns'
// cross-products: scale-free, 1 for orthogonal regressors, Infinity for collinear ones.
export function conditionNumber(xtx: number[][]): number {
  const k = xtx.length;
  if (k === 1) return xtx[0][0] > 0 ? 1 : Infinity;
  const d = xtx.map((row, i) => Math.sqrt(row[i]));
  if (d.some((x) => !(x > 0))) return Infinity;
  const corr = new Matrix(xtx.map((row, i) => row.map((v, j) => v / (d[i] * d[j]))));
  const ev = new EigenvalueDecomposition(corr, { assumeSymmetric: true }).realEigenvalues;
  const lo = Math.min(...ev);
  const hi = Math.max(...ev);
  return lo <= hi * 1e-300 ? Infinity : hi / lo;
}

// The checks that need no fit: the regressor of interest's clusters that vary, and collinearity.
export function checkDesign(opts: {
  regressor: string;
  varyingClusters: number;
  xtx: number[][];
  names: string[];
}): DesignCheck {
  if (opts.varyingClusters < 2)
    return {
      identified: false,
      reason:
        opts.varyingClusters === 0
          ? `${opts.regressor} does not vary within any cluster: nothing identifies its coefficient`
          : `${opts.regressor} varies within only 1 cluster: the coefficient rests on that one cluster and its clustered standard error is degenerate (the cluster's score is zero by construction)`,
    };
  const kappa = conditionNumber(opts.xtx);
  if (!(kappa <= CONDITION_LIMIT))
    return {
      identified: false,
      reason: `the regressors (${opts.names.join(', ')}) are collinear within the fixed effects (condition number ${Number.isFinite(kappa) ? kappa.toExponential(1) : 'infinite'}, limit ${CONDITION_LIMIT.toExponential(0)}): the design is rank-deficient`,
    };
  return { identified: true };
}

// After the fit: a standard error that is zero to rounding relative to its coefficient.
export function checkFit(regressor: string, estimate: number, se: number): DesignCheck {
  if (!Number.isFinite(se) || se <= SE_FLOOR * Math.abs(estimate) || se === 0)
    return {
      identified: false,
      reason: `the standard error of ${regressor} (${se.toExponential(1)}) is below ${SE_FLOOR.toExponential(0)} of its coefficient: a degenerate covariance, not a precise estimate`,
    };
  return { identified: true };
}

// Whether a regressor keeps variation after the fixed effects are swept out: its within sum of
// squares above 1e-12 of its raw one (below that it is collinear with the effects).
export function hasWithinVariation(raw: Column, within: Column): boolean {
  let ss = 0;
  let ssRaw = 0;
  for (let r = 0; r < raw.length; r++) {
    ss += within[r] * within[r];
    ssRaw += raw[r] * raw[r];
  }
  return ss > 1e-12 * Math.max(1, ssRaw);
}
