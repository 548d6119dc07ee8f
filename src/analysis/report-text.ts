// Sentences for the convergence report, written only from computed statistics. Each function
// takes numbers and returns words; a result that is not significant is said to be so.

export const ALPHA = 0.05;

export const fmt = (x: number, digits = 3): string => {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && Math.abs(x) < 10 ** -digits) return x.toExponential(2);
  return x.toFixed(digits);
};
export const fmtP = (p: number): string => (p < 0.001 ? '< 0.001' : fmt(p, 3));
// "p = 0.472" or "p < 0.001"
export const pIs = (p: number): string => (p < 0.001 ? 'p < 0.001' : `p = ${fmt(p, 3)}`);
export const significance = (p: number): string =>
  p < ALPHA
    ? `significant at the ${ALPHA * 100} % level`
    : `not significant at the ${ALPHA * 100} % level`;

export function trendSentence(
  measure: string,
  mk: { senSlopePerYear: number | null; senSlopePerStep: number; z: number; p: number; n: number },
): string {
  const slope = mk.senSlopePerYear ?? mk.senSlopePerStep;
  const unit = mk.senSlopePerYear !== null ? 'per year' : 'per survey';
  const dir = slope < 0 ? 'fell' : slope > 0 ? 'rose' : 'did not change';
  return `Across ${mk.n} survey dates the cross-market ${measure} ${dir} (Sen's slope ${fmt(slope, 5)} ${unit}); the Mann-Kendall test corrected for autocorrelation (Hamed-Rao) gives z = ${fmt(mk.z, 2)}, ${pIs(mk.p)}: ${significance(mk.p)}.`;
}

export function breaksSentence(
  measure: string,
  bp: { breakDates: string[]; regimes: { from: string; to: string; mean: number }[] } | null,
): string {
  if (!bp) return `Too few observations to search for breaks in the ${measure}.`;
  if (!bp.breakDates.length)
    return `Bai-Perron finds no break in the level of the ${measure} (BIC prefers none).`;
  const regimes = bp.regimes
    .map((r) => `${fmt(r.mean, 4)} from ${r.from} to ${r.to}`)
    .join(', then ');
  return `Bai-Perron (BIC) finds ${bp.breakDates.length} break${bp.breakDates.length > 1 ? 's' : ''} in the level of the ${measure}, after ${bp.breakDates.join(', ')}: mean ${regimes}.`;
}

export function chowSentence(c: { date: string; f: number; p: number }): string {
  return `A Chow test for a shift in the level at ${c.date} gives F = ${fmt(c.f, 2)}, ${pIs(c.p)} (${significance(c.p)}).`;
}

export function halfLifeSentence(
  period: { from: string; to: string },
  lives: {
    a: string;
    b: string;
    halfLifeIntervals: number | null;
    halfLifeDays: number | null;
    rho: number;
  }[],
  insufficientPairs: number,
): string {
  const valid = lives.filter((l) => l.halfLifeIntervals !== null);
  const extra = insufficientPairs
    ? ` (${insufficientPairs} pair${insufficientPairs > 1 ? 's' : ''} with too few observations left out)`
    : '';
  if (!valid.length)
    return `From ${period.from} to ${period.to} no pair has a half-life to report${extra}.`;
  const iv = valid.map((l) => l.halfLifeIntervals as number);
  const dv = valid.map((l) => l.halfLifeDays).filter((d): d is number => d !== null);
  const rangeInt = (v: number[]) =>
    Math.round(Math.min(...v)) === Math.round(Math.max(...v))
      ? `${Math.round(v[0])}`
      : `${Math.round(Math.min(...v))} to ${Math.round(Math.max(...v))}`;
  const range = (v: number[]) =>
    Math.min(...v) === Math.max(...v)
      ? fmt(v[0], 2)
      : `${fmt(Math.min(...v), 2)} to ${fmt(Math.max(...v), 2)}`;
  return `From ${period.from} to ${period.to}, deviations from the law of one price between ${valid.length} market pair${valid.length > 1 ? 's' : ''} halve in ${range(iv)} survey intervals${dv.length ? ` (about ${rangeInt(dv)} days)` : ''}${extra}.`;
}

export function regressionSentence(
  label: string,
  r: {
    coefficients: { name: string; estimate: number; se: number; p: number }[];
    pairs: number;
    n: number;
    bootstrap: { p: number; replications: number; enumerated: boolean } | null;
  },
  coverageWords: string,
): string {
  const c = r.coefficients[0];
  const dir = c.estimate < 0 ? 'narrower' : 'wider';
  const boot = r.bootstrap
    ? `; wild cluster bootstrap ${pIs(r.bootstrap.p)} (${r.bootstrap.enumerated ? `all ${r.bootstrap.replications} weight vectors` : `${r.bootstrap.replications} replications`})`
    : '';
  const decisive = r.bootstrap ? r.bootstrap.p : c.p;
  return `${label}: ${coverageWords} goes with ${dir} price gaps between markets, ${fmt(c.estimate, 5)} in |ln p_i − ln p_j| (standard error ${fmt(c.se, 5)}, ${pIs(c.p)}${boot}; ${r.n} pair-dates, ${r.pairs} pairs). ${r.bootstrap ? 'By the bootstrap' : 'By the clustered t-test'} this is ${significance(decisive)}.`;
}

export function placeboSentence(r: {
  coefficients: { estimate: number; p: number }[];
  bootstrap: { p: number } | null;
}): string {
  const p = r.bootstrap ? r.bootstrap.p : r.coefficients[0].p;
  return p < ALPHA
    ? `Placebo: the same regression on the dollar exchange rate, which costs nothing to ship, also finds an effect (${pIs(p)}): the coverage measure picks up something common to all markets over time, so the price result cannot be read as the effect of phones.`
    : `Placebo: the same regression on the dollar exchange rate, which costs nothing to ship, finds no significant effect (${pIs(p)}), as it should if coverage works through the cost of trading goods.`;
}

export function networkSentence(
  nodes: { market: string; leads: number; ledBy: number }[],
  edges: { leader: string | null; a: string; b: string }[],
): string {
  const led = edges.filter((e) => e.leader);
  if (!led.length)
    return `No market's price changes predict another's better than the reverse (Granger tests at the ${ALPHA * 100} % level): no leader.`;
  const lines = led.map((e) => `${e.leader} leads ${e.leader === e.a ? e.b : e.a}`);
  const top = [...nodes].sort((x, y) => y.leads - x.leads)[0];
  return `Granger tests on price changes (lags by BIC): ${lines.join('; ')}. ${top.leads ? `${top.market} leads the most pairs (${top.leads}).` : ''}`.trim();
}
