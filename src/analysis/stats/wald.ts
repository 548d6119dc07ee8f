import { conditionNumber, CONDITION_LIMIT } from './design-check';
import { fUpper } from './distributions';
import { invertSymmetric } from './linear-model';

export interface WaldTest {
  f: number;
  df1: number;
  df2: number;
  p: number;
}

// A Wald test that q coefficients b are all zero given their covariance V: F = b'V⁻¹b / q with
// (q, df2) degrees of freedom; null when V is singular (condition number above CONDITION_LIMIT).
export function waldF(b: number[], v: number[][], df2: number): WaldTest | null {
  const q = b.length;
  if (!(conditionNumber(v) <= CONDITION_LIMIT)) return null;
  const inv = invertSymmetric(v);
  let w = 0;
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) w += b[i] * inv[i][j] * b[j];
  const f = w / q;
  return { f, df1: q, df2, p: fUpper(f, q, df2) };
}
