import { chisqUpper, zTwoSided } from './distributions';

// Random-effects pooling of k estimates y_i with known sampling variances v_i (as metafor::rma):
//   y_i = μ + u_i + e_i,  u_i ~ N(0, τ²),  e_i ~ N(0, v_i).
// Cochran's Q = Σ w_i (y_i − ȳ_w)², w_i = 1/v_i, ȳ_w the fixed-effect mean; p from χ²(k − 1).
// τ² by DerSimonian-Laird, max(0, (Q − (k − 1)) / (Σw − Σw²/Σw)), or by REML (Fisher scoring
// on the restricted likelihood from the DL value, truncated at 0, as metafor does). Then
// μ̂ = Σ w*_i y_i / Σ w*_i with w*_i = 1/(v_i + τ²), se = sqrt(1/Σ w*_i), a z test and a 95 %
// interval μ̂ ± 1.959964·se. I² = τ² / (τ² + s²) with the typical within-study variance
// s² = (k − 1) Σw / ((Σw)² − Σw²) (Higgins and Thompson 2002), in percent.
// k < 2: no pooling (null); a variance that is not positive is refused by the caller.

export type RandomEffectsMethod = 'REML' | 'DL';

export interface RandomEffectsFit {
  method: RandomEffectsMethod;
  k: number;
  estimate: number;
  se: number;
  z: number;
  p: number;
  ci95: [number, number];
  tau2: number;
  i2: number; // percent
  q: number;
  qDf: number;
  qP: number;
  iterations: number;
  converged: boolean;
}

const Z975 = 1.959963984540054;

function fixedEffect(y: number[], v: number[]) {
  const w = v.map((x) => 1 / x);
  const sw = w.reduce((a, b) => a + b, 0);
  const sw2 = w.reduce((a, b) => a + b * b, 0);
  const mean = w.reduce((s, wi, i) => s + wi * y[i], 0) / sw;
  const q = w.reduce((s, wi, i) => s + wi * (y[i] - mean) ** 2, 0);
  return { sw, sw2, mean, q };
}

// REML by Fisher scoring: with W = diag(1/(v_i + τ²)) and P = W − W11'W / 1'W1, the score is
// −½ tr(P) + ½ y'PPy and the expected information ½ tr(PP); the step is halved while it would
// make τ² negative (metafor's stepadj), and τ² is truncated at 0.
function remlTau2(y: number[], v: number[], start: number) {
  const k = y.length;
  let tau2 = Math.max(0, start);
  // converged when a step moves τ² by less than 1e-12 of itself (or of the typical variance)
  const floor = 1e-6 * (v.reduce((a, b) => a + b, 0) / k);
  for (let it = 1; it <= 1000; it++) {
    const w = v.map((x) => 1 / (x + tau2));
    const sw = w.reduce((a, b) => a + b, 0);
    // P y = w ⊙ (y − μ̂);  tr(P) = Σw − Σw²/Σw;  tr(PP) = Σ P_ij²
    const mu = w.reduce((s, wi, i) => s + wi * y[i], 0) / sw;
    const py = y.map((yi, i) => w[i] * (yi - mu));
    const sw2 = w.reduce((a, b) => a + b * b, 0);
    const trP = sw - sw2 / sw;
    let trPP = 0;
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        const pij = (i === j ? w[i] : 0) - (w[i] * w[j]) / sw;
        trPP += pij * pij;
      }
    const yPPy = py.reduce((s, x) => s + x * x, 0);
    const step = (yPPy - trP) / trPP; // score / information
    let next = tau2 + step;
    if (next < 0) next = 0;
    if (Math.abs(next - tau2) <= 1e-12 * Math.max(tau2, floor) || (next === 0 && tau2 === 0))
      return { tau2: next, iterations: it, converged: true };
    tau2 = next;
  }
  return { tau2, iterations: 1000, converged: false };
}

export function randomEffects(
  y: number[],
  v: number[],
  method: RandomEffectsMethod = 'REML',
): RandomEffectsFit | null {
  const k = y.length;
  if (k < 2) return null;
  const fe = fixedEffect(y, v);
  const c = fe.sw - fe.sw2 / fe.sw;
  const dl = Math.max(0, (fe.q - (k - 1)) / c);
  const est = method === 'DL' ? { tau2: dl, iterations: 0, converged: true } : remlTau2(y, v, dl);
  const w = v.map((x) => 1 / (x + est.tau2));
  const sw = w.reduce((a, b) => a + b, 0);
  const mu = w.reduce((s, wi, i) => s + wi * y[i], 0) / sw;
  const se = Math.sqrt(1 / sw);
  const s2 = ((k - 1) * fe.sw) / (fe.sw * fe.sw - fe.sw2);
  return {
    method,
    k,
    estimate: mu,
    se,
    z: mu / se,
    p: zTwoSided(mu / se),
    ci95: [mu - Z975 * se, mu + Z975 * se],
    tau2: est.tau2,
    i2: (100 * est.tau2) / (est.tau2 + s2),
    q: fe.q,
    qDf: k - 1,
    qP: chisqUpper(fe.q, k - 1),
    iterations: est.iterations,
    converged: est.converged,
  };
}
