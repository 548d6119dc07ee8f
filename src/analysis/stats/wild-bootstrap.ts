import { Column, crossProducts, invertSymmetric, matVec, ols } from './linear-model';
import { ClusterInfo, clusterVcov } from './panel-regression';

// Webb's six-point weights ±sqrt(1/2), ±1, ±sqrt(3/2), each with probability 1/6: with few clusters
// Rademacher weights (±1) give too few distinct bootstrap draws.
export const WEBB_WEIGHTS = [
  -Math.sqrt(1.5),
  -1,
  -Math.sqrt(0.5),
  Math.sqrt(0.5),
  1,
  Math.sqrt(1.5),
];
export const RADEMACHER_WEIGHTS = [-1, 1];

// A small, fast, seedable generator (mulberry32): the same seed gives the same bootstrap.
export function seededRandom(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface WildBootstrapResult {
  coefficient: number;
  t: number;
  p: number;
  replications: number;
  weights: 'webb' | 'rademacher';
  enumerated: boolean; // every weight combination evaluated once: exact, no randomness
  seed: number;
}

// Wild cluster bootstrap-t with the null imposed (WCR, Cameron, Gelbach and Miller 2008) for
// H0: coefficient `index` = β0. Restricted fit: y − β0·x regressed on the other columns, residuals
// u(β0); y*_b = ŷ_r(β0) + v_g·u_g(β0) with one weight per cluster; t*_b = (β*_b − β0)/se*_b; the
// p-value is the share of |t*_b| >= |t(β0)|, t(β0) = (β̂ − β0)/se (cluster-robust, as above).
// Webb weights when G < 12, Rademacher otherwise; when the number of distinct weight vectors is at
// most B they are enumerated (exact). u(β0) = u(0) − β0·M_r x is linear in β0, so the cluster sums
// are computed once and each p-value costs O(B·G·K²) whatever the number of rows.
export function wildBootstrapper(
  y: Float64Array,
  cols: Column[],
  index: number,
  cluster: ClusterInfo,
  replications = 999,
  seed = 20100101,
) {
  const k = cols.length;
  const n = y.length;
  const G = cluster.count;
  const full = ols(y, cols);
  const vFull = clusterVcov(cols, full.resid, full.xtxInv, cluster);
  const se = Math.sqrt(vFull[index][index]);

  const restrictedCols = cols.filter((_, i) => i !== index);
  const restricted = restrictedCols.length ? ols(y, restrictedCols) : undefined;
  const u0 = restricted ? restricted.resid : y; // read only: no copy of a long y
  const ux = restrictedCols.length ? ols(cols[index], restrictedCols).resid : cols[index];

  // per-cluster sums: X_g'y, X_g'u(0), X_g'M_r x, X_g'X_g
  const sum = () => Array.from({ length: G }, () => new Float64Array(k));
  const xY = sum();
  const xU0 = sum();
  const xUx = sum();
  const xx = Array.from({ length: G }, () => Array.from({ length: k }, () => new Float64Array(k)));
  for (let r = 0; r < n; r++) {
    const g = cluster.groups[r];
    for (let a = 0; a < k; a++) {
      const xa = cols[a][r];
      xY[g][a] += xa * y[r];
      xU0[g][a] += xa * u0[r];
      xUx[g][a] += xa * ux[r];
      for (let b = 0; b < k; b++) xx[g][a][b] += xa * cols[b][r];
    }
  }
  const xtxInv = invertSymmetric(crossProducts(cols, y).xtx);
  const c = (G / (G - 1)) * ((n - 1) / (n - k));
  const weights = G < 12 ? WEBB_WEIGHTS : RADEMACHER_WEIGHTS;
  const combos = weights.length ** G;
  const enumerated = combos <= replications;
  const reps = enumerated ? combos : replications;

  const pAt = (beta0: number): number => {
    const tObs = (full.coef[index] - beta0) / se;
    // X_g'u(β0) and X_g'ŷ_r(β0) = X_g'y − X_g'u(β0)
    const xU = xU0.map((v, g) => v.map((x, a) => x - beta0 * xUx[g][a]));
    const xFit = xY.map((v, g) => v.map((x, a) => x - xU[g][a]));
    const rand = seededRandom(seed); // the same draws for every β0
    const v = new Float64Array(G);
    const xty = new Array<number>(k);
    const score = Array.from({ length: G }, () => new Float64Array(k));
    const meat = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    let extreme = 0;
    for (let b = 0; b < reps; b++) {
      if (enumerated) {
        let code = b;
        for (let g = 0; g < G; g++) {
          v[g] = weights[code % weights.length];
          code = Math.floor(code / weights.length);
        }
      } else {
        for (let g = 0; g < G; g++) v[g] = weights[Math.floor(rand() * weights.length)];
      }
      xty.fill(0);
      for (let g = 0; g < G; g++)
        for (let a = 0; a < k; a++) xty[a] += xFit[g][a] + v[g] * xU[g][a];
      const beta = matVec(xtxInv, xty);
      // cluster scores X_g'e_g = X_g'y*_g - X_g'X_g·β
      for (const row of meat) row.fill(0);
      for (let g = 0; g < G; g++) {
        for (let a = 0; a < k; a++) {
          let s = xFit[g][a] + v[g] * xU[g][a];
          for (let bb = 0; bb < k; bb++) s -= xx[g][a][bb] * beta[bb];
          score[g][a] = s;
        }
        for (let a = 0; a < k; a++)
          for (let bb = 0; bb < k; bb++) meat[a][bb] += score[g][a] * score[g][bb];
      }
      // only the (index, index) element of the sandwich (X'X)⁻¹ meat (X'X)⁻¹ is needed
      let vii = 0;
      for (let a = 0; a < k; a++)
        for (let bb = 0; bb < k; bb++) vii += xtxInv[index][a] * meat[a][bb] * xtxInv[bb][index];
      const tb = (beta[index] - beta0) / Math.sqrt(c * vii);
      if (Math.abs(tb) >= Math.abs(tObs) - 1e-12 * Math.abs(tObs)) extreme++;
    }
    return extreme / reps;
  };

  return {
    coefficient: full.coef[index],
    se,
    pAt,
    meta: {
      replications: reps,
      weights: G < 12 ? ('webb' as const) : ('rademacher' as const),
      enumerated,
      seed,
    },
  };
}

export function wildClusterBootstrap(
  y: Float64Array,
  cols: Column[],
  index: number,
  cluster: ClusterInfo,
  replications = 999,
  seed = 20100101,
): WildBootstrapResult {
  const boot = wildBootstrapper(y, cols, index, cluster, replications, seed);
  return {
    coefficient: boot.coefficient,
    t: boot.coefficient / boot.se,
    p: boot.pAt(0),
    ...boot.meta,
  };
}

// The bootstrap confidence interval by test inversion: the values β0 the bootstrap test does not
// reject, p(β0) > 1 − level. From the estimate outwards on each side, steps of one standard error
// doubling until a rejected value, then bisection to a relative width of 1e-10 (p is a step
// function of β0: the bound is the step where it falls to 1 − level). A side on which no value up
// to 2^40 standard errors is rejected is unbounded (null): with very few clusters that happens.
export function wildBootstrapInterval(
  boot: ReturnType<typeof wildBootstrapper>,
  level = 0.95,
): [number | null, number | null] {
  const alpha = 1 - level;
  const hat = boot.coefficient;
  const accept = (b0: number) => boot.pAt(b0) > alpha;
  const side = (dir: 1 | -1): number | null => {
    let inner = hat;
    let step = boot.se;
    let outer = hat + dir * step;
    for (let i = 0; accept(outer); i++) {
      if (i >= 40) return null;
      inner = outer;
      step *= 2;
      outer = hat + dir * step;
    }
    const tol = 1e-10 * Math.max(Math.abs(hat), boot.se);
    for (let i = 0; i < 200 && Math.abs(outer - inner) > tol; i++) {
      const mid = (inner + outer) / 2;
      if (accept(mid)) inner = mid;
      else outer = mid;
    }
    return (inner + outer) / 2;
  };
  return [side(-1), side(1)];
}
