import { inverse, Matrix } from 'ml-matrix';
import { tTwoSided } from './distributions';

// Ordinary least squares on column vectors: y = X b + e, X given as K columns of length N.
// Returns b = (X'X)^-1 X'y, residuals, RSS, and the classical covariance s²(X'X)^-1 with
// s² = RSS / (N - K - dfAbsorbed) (dfAbsorbed: fixed effects removed beforehand by demeaning).

export type Column = Float64Array;

export interface LinearFit {
  n: number;
  k: number;
  coef: number[];
  resid: Float64Array;
  rss: number;
  dfResid: number;
  xtxInv: number[][];
  vcov: number[][];
  se: number[];
  t: number[];
  p: number[];
}

export function crossProducts(cols: Column[], y: Column): { xtx: number[][]; xty: number[] } {
  const k = cols.length;
  const n = y.length;
  const xtx = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const xty = new Array<number>(k).fill(0);
  for (let a = 0; a < k; a++) {
    const ca = cols[a];
    let sy = 0;
    for (let r = 0; r < n; r++) sy += ca[r] * y[r];
    xty[a] = sy;
    for (let b = a; b < k; b++) {
      const cb = cols[b];
      let s = 0;
      for (let r = 0; r < n; r++) s += ca[r] * cb[r];
      xtx[a][b] = s;
      xtx[b][a] = s;
    }
  }
  return { xtx, xty };
}

export const matVec = (m: number[][], v: number[]): number[] =>
  m.map((row) => row.reduce((s, x, i) => s + x * v[i], 0));

// A·B·A for symmetric A (the sandwich), small K.
export function sandwich(bread: number[][], meat: number[][]): number[][] {
  const a = new Matrix(bread);
  return a.mmul(new Matrix(meat)).mmul(a).to2DArray();
}

export function invertSymmetric(m: number[][]): number[][] {
  return inverse(new Matrix(m)).to2DArray();
}

export function withCovariance(
  fit: Omit<LinearFit, 'se' | 't' | 'p' | 'vcov'>,
  vcov: number[][],
  dfForT: number,
): LinearFit {
  const se = vcov.map((row, i) => Math.sqrt(row[i]));
  const t = fit.coef.map((b, i) => b / se[i]);
  return { ...fit, vcov, se, t, p: t.map((x) => tTwoSided(x, dfForT)) };
}

export function ols(y: Column, cols: Column[], dfAbsorbed = 0): LinearFit {
  const n = y.length;
  const k = cols.length;
  const { xtx, xty } = crossProducts(cols, y);
  const xtxInv = invertSymmetric(xtx);
  const coef = matVec(xtxInv, xty);
  const resid = new Float64Array(n);
  let rss = 0;
  for (let r = 0; r < n; r++) {
    let fitted = 0;
    for (let a = 0; a < k; a++) fitted += cols[a][r] * coef[a];
    const e = y[r] - fitted;
    resid[r] = e;
    rss += e * e;
  }
  const dfResid = n - k - dfAbsorbed;
  const s2 = rss / dfResid;
  const vcov = xtxInv.map((row) => row.map((x) => x * s2));
  return withCovariance({ n, k, coef, resid, rss, dfResid, xtxInv }, vcov, dfResid);
}

export const constant = (n: number): Column => new Float64Array(n).fill(1);
