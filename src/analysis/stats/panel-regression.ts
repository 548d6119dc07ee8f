import {
  Column,
  crossProducts,
  invertSymmetric,
  LinearFit,
  matVec,
  ols,
  sandwich,
  withCovariance,
} from './linear-model';

// Fixed effects by the within transformation: y and every regressor minus its group means, never
// dummy columns. With several fixed-effect dimensions (pair, month-of-year, date) the demeaning
// alternates over the dimensions until nothing changes (the method of alternating projections,
// Gaure 2013), which converges to the same coefficients as the full dummy regression.

export interface FixedEffect {
  name: string;
  groups: Int32Array; // group index of each row, 0..count-1
  count: number;
}

export function demeanOnce(
  v: Float64Array,
  fe: FixedEffect,
  sums: Float64Array,
  counts: Float64Array,
): number {
  sums.fill(0);
  counts.fill(0);
  const g = fe.groups;
  for (let r = 0; r < v.length; r++) {
    sums[g[r]] += v[r];
    counts[g[r]] += 1;
  }
  let maxShift = 0;
  for (let j = 0; j < fe.count; j++) {
    if (counts[j] > 0) sums[j] /= counts[j];
    maxShift = Math.max(maxShift, Math.abs(sums[j]));
  }
  for (let r = 0; r < v.length; r++) v[r] -= sums[g[r]];
  return maxShift;
}

// Demeans a copy of v by every fixed effect; alternating projections when there is more than one.
export function withinTransform(
  v: Float64Array,
  fes: FixedEffect[],
  tol = 1e-12,
  maxIter = 10_000,
): Float64Array {
  const out = Float64Array.from(v);
  const scratch = fes.map((fe) => ({
    sums: new Float64Array(fe.count),
    counts: new Float64Array(fe.count),
  }));
  let scale = 1e-300; // a loop: spreading a million values into Math.max overflows the stack
  for (const x of v) scale = Math.max(scale, Math.abs(x));
  for (let it = 0; it < (fes.length > 1 ? maxIter : 1); it++) {
    let shift = 0;
    fes.forEach(
      (fe, i) => (shift = Math.max(shift, demeanOnce(out, fe, scratch[i].sums, scratch[i].counts))),
    );
    if (shift <= tol * scale) break;
  }
  return out;
}

// Degrees of freedom the fixed effects absorb: the number of groups of the first dimension plus,
// for each further one, its groups less one (exact when the dimensions are connected, as usual).
export function absorbedDf(fes: FixedEffect[]): number {
  return fes.reduce((s, fe, i) => s + (i === 0 ? fe.count : fe.count - 1), 0);
}

export interface ClusterInfo {
  groups: Int32Array;
  count: number;
}

// Cluster-robust covariance (Liang-Zeger) with the small-sample correction used by Stata and by
// statsmodels / plm ("sss"): c = G/(G-1) · (N-1)/(N-K), K the number of estimated slopes.
export function clusterVcov(
  cols: Column[],
  resid: Float64Array,
  xtxInv: number[][],
  cluster: ClusterInfo,
): number[][] {
  const k = cols.length;
  const n = resid.length;
  const scores = Array.from({ length: cluster.count }, () => new Float64Array(k));
  for (let r = 0; r < n; r++) {
    const s = scores[cluster.groups[r]];
    for (let a = 0; a < k; a++) s[a] += cols[a][r] * resid[r];
  }
  const meat = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const s of scores)
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) meat[a][b] += s[a] * s[b];
  const g = cluster.count;
  const c = (g / (g - 1)) * ((n - 1) / (n - k));
  return sandwich(xtxInv, meat).map((row) => row.map((x) => x * c));
}

// Driscoll-Kraay covariance (as plm::vcovSCC with its defaults): scores summed per period t,
// h_t = Σ_i x_it e_it; S = Γ0 + Σ_{l=1..L} (1 - l/(L+1)) (Γ_l + Γ_l'), Γ_l = Σ_t h_t h_{t-l}',
// L = floor(T^(1/4)) unless given; V = (X'X)^-1 S (X'X)^-1, no small-sample factor.
// `time` groups must be numbered in chronological order (indexSortedGroups).
export function driscollKraayVcov(
  cols: Column[],
  resid: Float64Array,
  xtxInv: number[][],
  time: ClusterInfo,
  maxLag?: number,
): number[][] {
  const k = cols.length;
  const T = time.count;
  const h = Array.from({ length: T }, () => new Float64Array(k));
  for (let r = 0; r < resid.length; r++) {
    const s = h[time.groups[r]];
    for (let a = 0; a < k; a++) s[a] += cols[a][r] * resid[r];
  }
  const L = maxLag ?? Math.floor(T ** 0.25);
  const S = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let l = 0; l <= L; l++) {
    const w = l === 0 ? 1 : 1 - l / (L + 1);
    for (let t = l; t < T; t++) {
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          const g = h[t][a] * h[t - l][b];
          S[a][b] += l === 0 ? g : w * (g + h[t - l][a] * h[t][b]);
        }
      }
    }
  }
  return sandwich(xtxInv, S);
}

export type SeKind = 'classical' | 'cluster' | 'driscoll-kraay';

export interface PanelFit extends LinearFit {
  seKind: SeKind;
  clusters?: number;
  periods?: number;
}

// The within estimator with the chosen standard errors. Columns and y must already be demeaned.
export function fitWithin(
  y: Float64Array,
  cols: Column[],
  dfAbsorbed: number,
  se: { kind: SeKind; cluster?: ClusterInfo; time?: ClusterInfo; maxLag?: number },
): PanelFit {
  const base = ols(y, cols, dfAbsorbed);
  if (se.kind === 'classical') return { ...base, seKind: 'classical' };
  if (se.kind === 'cluster') {
    const cluster = se.cluster!;
    const v = clusterVcov(cols, base.resid, base.xtxInv, cluster);
    return {
      ...withCovariance(base, v, cluster.count - 1),
      seKind: 'cluster',
      clusters: cluster.count,
    };
  }
  const time = se.time!;
  const v = driscollKraayVcov(cols, base.resid, base.xtxInv, time, se.maxLag);
  return {
    ...withCovariance(base, v, time.count - 1),
    seKind: 'driscoll-kraay',
    periods: time.count,
  };
}

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
// H0: coefficient `index` = 0. Restricted fit without that column; y*_b = Xr·br + v_g·u_g with one
// weight per cluster; the p-value is the share of |t*_b| >= |t| (cluster-robust t, as above).
// Webb weights when G < 12, Rademacher otherwise; when the number of distinct weight vectors is at
// most B they are enumerated (exact). Cost per replication is O(G·K²): cluster sums are precomputed.
export function wildClusterBootstrap(
  y: Float64Array,
  cols: Column[],
  index: number,
  cluster: ClusterInfo,
  replications = 999,
  seed = 20100101,
): WildBootstrapResult {
  const k = cols.length;
  const n = y.length;
  const G = cluster.count;
  const full = ols(y, cols);
  const vFull = clusterVcov(cols, full.resid, full.xtxInv, cluster);
  const tObs = full.coef[index] / Math.sqrt(vFull[index][index]);

  const restrictedCols = cols.filter((_, i) => i !== index);
  const restricted = restrictedCols.length ? ols(y, restrictedCols) : undefined;
  const fitted = new Float64Array(n);
  const u = restricted ? restricted.resid : Float64Array.from(y);
  for (let r = 0; r < n; r++) fitted[r] = y[r] - u[r];

  // per-cluster sums: X_g'ŷ, X_g'u, X_g'X_g
  const xFit = Array.from({ length: G }, () => new Float64Array(k));
  const xU = Array.from({ length: G }, () => new Float64Array(k));
  const xx = Array.from({ length: G }, () => Array.from({ length: k }, () => new Float64Array(k)));
  for (let r = 0; r < n; r++) {
    const g = cluster.groups[r];
    for (let a = 0; a < k; a++) {
      const xa = cols[a][r];
      xFit[g][a] += xa * fitted[r];
      xU[g][a] += xa * u[r];
      for (let b = 0; b < k; b++) xx[g][a][b] += xa * cols[b][r];
    }
  }
  const { xtx } = crossProducts(cols, y);
  const xtxInv = invertSymmetric(xtx);
  const c = (G / (G - 1)) * ((n - 1) / (n - k));

  const weights = G < 12 ? WEBB_WEIGHTS : RADEMACHER_WEIGHTS;
  const combos = weights.length ** G;
  const enumerated = combos <= replications;
  const reps = enumerated ? combos : replications;
  const rand = seededRandom(seed);
  const v = new Float64Array(G);
  let extreme = 0;
  const xty = new Array<number>(k);
  const score = Array.from({ length: G }, () => new Float64Array(k));
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
    for (let g = 0; g < G; g++) for (let a = 0; a < k; a++) xty[a] += xFit[g][a] + v[g] * xU[g][a];
    const beta = matVec(xtxInv, xty);
    // cluster scores X_g'e_g = X_g'y*_g - X_g'X_g·β
    const meat = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let g = 0; g < G; g++) {
      for (let a = 0; a < k; a++) {
        let s = xFit[g][a] + v[g] * xU[g][a];
        for (let bb = 0; bb < k; bb++) s -= xx[g][a][bb] * beta[bb];
        score[g][a] = s;
      }
      for (let a = 0; a < k; a++)
        for (let bb = 0; bb < k; bb++) meat[a][bb] += score[g][a] * score[g][bb];
    }
    const vb = sandwich(xtxInv, meat);
    const tb = beta[index] / Math.sqrt(c * vb[index][index]);
    if (Math.abs(tb) >= Math.abs(tObs) - 1e-12 * Math.abs(tObs)) extreme++;
  }
  return {
    coefficient: full.coef[index],
    t: tObs,
    p: extreme / reps,
    replications: reps,
    weights: G < 12 ? 'webb' : 'rademacher',
    enumerated,
    seed,
  };
}

// Group indices 0..count-1 for any list of keys, in order of first appearance.
export function indexGroups(keys: ArrayLike<string | number>): {
  groups: Int32Array;
  count: number;
  labels: (string | number)[];
} {
  const map = new Map<string | number, number>();
  const groups = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    let g = map.get(keys[i]);
    if (g === undefined) map.set(keys[i], (g = map.size));
    groups[i] = g;
  }
  return { groups, count: map.size, labels: [...map.keys()] };
}

// Group indices in sorted key order: for time periods, whose order matters (Driscoll-Kraay lags).
export function indexSortedGroups(keys: ArrayLike<string>): {
  groups: Int32Array;
  count: number;
  labels: string[];
} {
  const labels = [...new Set(Array.from(keys))].sort();
  const at = new Map(labels.map((l, i) => [l, i]));
  const groups = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) groups[i] = at.get(keys[i])!;
  return { groups, count: labels.length, labels };
}
