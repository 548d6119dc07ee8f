import { Column, LinearFit, ols, sandwich, withCovariance } from './linear-model';

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
  return withinTransformAll([Float64Array.from(v)], fes, tol, maxIter)[0];
}

// Demeans every vector of vs in place by every fixed effect, together: each pass over the rows
// reads the group indices once for all of them, the group sizes are counted once, and each vector
// stops being swept when its own shift falls below tol times its scale (each converges to what it
// would alone). The pair level of the cross-country test demeans its 25 million y and x this way,
// in their own arrays: no copies of vectors that long.
export function withinTransformAll(
  vs: Float64Array[],
  fes: FixedEffect[],
  tol = 1e-12,
  maxIter = 10_000,
): Float64Array[] {
  const n = vs[0]?.length ?? 0;
  const counts = fes.map((fe) => {
    const c = new Float64Array(fe.count);
    for (let r = 0; r < n; r++) c[fe.groups[r]] += 1;
    return c;
  });
  const sums = fes.map((fe) => vs.map(() => new Float64Array(fe.count)));
  const scale = vs.map((v) => {
    let m = 1e-300; // a loop: spreading a million values into Math.max overflows the stack
    for (const x of v) m = Math.max(m, Math.abs(x));
    return m;
  });
  let active = vs.map((_, i) => i);
  for (let it = 0; it < (fes.length > 1 ? maxIter : 1) && active.length; it++) {
    const shift = new Float64Array(vs.length);
    fes.forEach((fe, f) => {
      const g = fe.groups;
      const c = counts[f];
      for (const i of active) {
        const v = vs[i];
        const s = sums[f][i];
        s.fill(0);
        for (let r = 0; r < n; r++) s[g[r]] += v[r];
        for (let j = 0; j < fe.count; j++) {
          if (c[j] > 0) s[j] /= c[j];
          shift[i] = Math.max(shift[i], Math.abs(s[j]));
        }
        for (let r = 0; r < n; r++) v[r] -= s[g[r]];
      }
    });
    active = active.filter((i) => shift[i] > tol * scale[i]);
  }
  return vs;
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

export {
  RADEMACHER_WEIGHTS,
  seededRandom,
  WEBB_WEIGHTS,
  wildClusterBootstrap,
  WildBootstrapResult,
} from './wild-bootstrap';

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
