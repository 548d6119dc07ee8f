// Holm's (1979) step-down adjustment for a family of tests: with the m p-values in ascending order
// p_(1) <= ... <= p_(m), adjusted p_(i) = max_{j <= i} min(1, (m - j + 1) p_(j)); reject where the
// adjusted p is below α. Controls the family-wise error rate under any dependence. As R's
// p.adjust(p, "holm"); returned in the input order. An empty family returns an empty array.
export function holmAdjust(p: number[]): number[] {
  const m = p.length;
  const order = p.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(([v, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * v));
    out[i] = running;
  });
  return out;
}
