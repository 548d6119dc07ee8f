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
  mk: {
    senSlopePerYear: number | null;
    senSlopePerStep: number;
    z: number | null;
    p: number | null;
    n: number;
    nOverNStar: number;
  },
): string {
  const slope = mk.senSlopePerYear ?? mk.senSlopePerStep;
  const unit = mk.senSlopePerYear !== null ? 'per year' : 'per survey';
  const dir = slope < 0 ? 'fell' : slope > 0 ? 'rose' : 'did not change';
  if (mk.z === null || mk.p === null)
    return `Across ${mk.n} survey dates the cross-market ${measure} ${dir} (Sen's slope ${fmt(slope, 5)} ${unit}); the Mann-Kendall test cannot be corrected for autocorrelation here (the Hamed-Rao factor n/n* is ${fmt(mk.nOverNStar, 2)}, not positive, so the corrected variance is undefined), and no significance is claimed.`;
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

// A level-shift test at a candidate date. When the Hamed-Rao correction found autocorrelation in
// the series (its variance factor n/n* above 1), the classical F's p-value is overstated, so the
// Newey-West (HAC) version is the one to read.
export function chowSentence(
  c: {
    date: string;
    f: number;
    p: number;
    hac: { shift: number; t: number; p: number; lag: number };
  },
  autocorrelation: { nOverNStar: number },
): string {
  const hac = `with Newey-West errors (lag ${c.hac.lag}) the shift of ${fmt(c.hac.shift, 4)} has t = ${fmt(c.hac.t, 2)}, ${pIs(c.hac.p)} (${significance(c.hac.p)})`;
  if (autocorrelation.nOverNStar > 1)
    return `A Chow test for a shift in the level at ${c.date}: the classical F = ${fmt(c.f, 2)} (${pIs(c.p)}) assumes independent errors, but the series is autocorrelated (Hamed-Rao variance factor ${fmt(autocorrelation.nOverNStar, 2)}), so that p-value is overstated; ${hac}.`;
  return `A Chow test for a shift in the level at ${c.date} gives F = ${fmt(c.f, 2)}, ${pIs(c.p)} (${significance(c.p)}); ${hac}.`;
}

export interface PairHalfLife {
  a: string;
  b: string;
  halfLifeIntervals: number | null;
  halfLifeDays: number | null;
  rho: number;
  adf?: { tau: number; criticalValues: { '5pct': number } };
}

// Mean reversion: the ADF test rejects a unit root in the log price gap at 5 % (when it was run),
// and the AR(1) coefficient is below 1.
const meanReverting = (l: PairHalfLife): boolean =>
  l.rho < 1 && (!l.adf || l.adf.tau < l.adf.criticalValues['5pct']);

// Half-lives of one period. A half-life shorter than one survey interval cannot be seen in the
// data, so it is never given in days; a gap whose ADF test does not reject a unit root shows no
// mean reversion and gets no half-life at all.
export function halfLifeSentence(
  period: { from: string; to: string },
  lives: PairHalfLife[],
  insufficientPairs: number,
): string {
  const extra = insufficientPairs
    ? ` (${insufficientPairs} pair${insufficientPairs > 1 ? 's' : ''} with too few observations left out)`
    : '';
  if (!lives.length)
    return `From ${period.from} to ${period.to} no pair has a half-life to report${extra}.`;
  const reverting = lives.filter(meanReverting);
  const stuck = lives.filter((l) => !meanReverting(l));
  const parts: string[] = [];
  const under = reverting.filter((l) => l.halfLifeIntervals === null || l.halfLifeIntervals < 1);
  const over = reverting.filter((l) => l.halfLifeIntervals !== null && l.halfLifeIntervals >= 1);
  const names = (ls: PairHalfLife[]) => ls.map((l) => `${l.a}–${l.b}`).join(', ');
  if (under.length)
    parts.push(
      `deviations from the law of one price between ${names(under)} halve in under one survey interval (AR(1) ρ ${rangeOf(
        under.map((l) => l.rho),
        2,
      )})`,
    );
  if (over.length) {
    const iv = over.map((l) => l.halfLifeIntervals as number);
    const dv = over.map((l) => l.halfLifeDays).filter((d): d is number => d !== null);
    parts.push(
      `${under.length ? `between ${names(over)} they` : `deviations from the law of one price between ${names(over)}`} halve in ${rangeOf(iv, 2)} survey intervals${dv.length ? ` (about ${rangeOf(dv, 0)} days)` : ''}`,
    );
  }
  for (const l of stuck)
    parts.push(
      l.adf
        ? `the gap between ${l.a} and ${l.b} shows no mean reversion (ADF τ = ${fmt(l.adf.tau, 2)} does not reject a unit root at 5 %, critical value ${fmt(l.adf.criticalValues['5pct'], 2)}), so it has no half-life`
        : `the gap between ${l.a} and ${l.b} shows no mean reversion (ρ = ${fmt(l.rho, 2)}), so it has no half-life`,
    );
  return `From ${period.from} to ${period.to}, ${parts.join('; ')}${extra}.`;
}

const rangeOf = (v: number[], digits: number): string => {
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return fmt(lo, digits) === fmt(hi, digits)
    ? fmt(lo, digits)
    : `${fmt(lo, digits)} to ${fmt(hi, digits)}`;
};

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Across periods (in time order, so with coverage growing): the median persistence ρ of the pairs'
// gaps. Longer half-lives as coverage grows run against the hypothesis and are said to.
export function halfLifeTrendSentence(
  periods: { from: string; to: string; lives: PairHalfLife[] }[],
): string | null {
  const withData = periods.filter((p) => p.lives.length);
  if (withData.length < 2) return null;
  const first = withData[0];
  const last = withData[withData.length - 1];
  const r0 = median(first.lives.map((l) => l.rho));
  const r1 = median(last.lives.map((l) => l.rho));
  const span = `from ${first.from}–${first.to} to ${last.from}–${last.to}`;
  if (r1 > r0)
    return `Half-lives lengthened as mobile coverage grew: the median persistence of the price gaps rose ${span} (AR(1) ρ ${fmt(r0, 2)} to ${fmt(r1, 2)}), so deviations took longer to close, which runs against the hypothesis that phones sped up arbitrage (point estimates; the difference is not tested).`;
  if (r1 < r0)
    return `Half-lives shortened as mobile coverage grew: the median persistence of the price gaps fell ${span} (AR(1) ρ ${fmt(r0, 2)} to ${fmt(r1, 2)}), as the hypothesis expects (point estimates; the difference is not tested).`;
  return `The median persistence of the price gaps did not change ${span} (AR(1) ρ ${fmt(r0, 2)}).`;
}

export interface RegressionForText {
  coefficients: { name: string; estimate: number; se: number; p: number }[];
  pairs: number;
  n: number;
  bootstrap: { p: number; replications: number; enumerated: boolean } | null;
  coverageEffectByDistance?: {
    atMeanDistance: { distanceKm: number; estimate: number; se: number; p: number };
    byPair: { pair: string; distanceKm: number; estimate: number; p: number }[];
  } | null;
}

const pBoth = (r: RegressionForText): string =>
  `clustered ${pIs(r.coefficients[0].p)}${r.bootstrap ? `; wild cluster bootstrap ${pIs(r.bootstrap.p)}` : ''}`;

export function regressionSentence(
  label: string,
  r: RegressionForText,
  coverageWords: string,
): string {
  const c = r.coefficients[0];
  const e = r.coverageEffectByDistance;
  const boot = r.bootstrap
    ? `; wild cluster bootstrap ${pIs(r.bootstrap.p)} (${r.bootstrap.enumerated ? `all ${r.bootstrap.replications} weight vectors` : `${r.bootstrap.replications} replications`})`
    : '';
  const decisive = r.bootstrap ? r.bootstrap.p : c.p;
  const tail = `${r.bootstrap ? 'By the bootstrap' : 'By the clustered t-test'} the coverage coefficient is ${significance(decisive)}.`;
  if (!e) {
    const dir = c.estimate < 0 ? 'narrower' : 'wider';
    return `${label}: ${coverageWords} goes with ${dir} price gaps between markets, ${fmt(c.estimate, 5)} in |ln p_i − ln p_j| (standard error ${fmt(c.se, 5)}, ${pIs(c.p)}${boot}; ${r.n} pair-dates, ${r.pairs} pairs). ${tail}`;
  }
  const inter = r.coefficients.find((x) => x.name === 'distance_x_coverage')!;
  const m = e.atMeanDistance;
  const ends = [...e.byPair].sort((a, b) => a.distanceKm - b.distanceKm);
  const lo = ends[0];
  const hi = ends[ends.length - 1];
  const dir = m.estimate < 0 ? 'narrower' : 'wider';
  return (
    `${label}: with the distance × coverage interaction in the model, the coverage coefficient ${fmt(c.estimate, 5)} (standard error ${fmt(c.se, 5)}, ${pIs(c.p)}${boot}) is the effect at zero distance, where no pair is. ` +
    `At the mean pair distance (${fmt(m.distanceKm, 0)} km) ${coverageWords} goes with ${dir} price gaps, ${fmt(m.estimate, 5)} in |ln p_i − ln p_j| (standard error ${fmt(m.se, 5)}, clustered ${pIs(m.p)}), from ${fmt(lo.estimate, 5)} at ${fmt(lo.distanceKm, 0)} km (${lo.pair}) to ${fmt(hi.estimate, 5)} at ${fmt(hi.distanceKm, 0)} km (${hi.pair}); ` +
    `the interaction itself is ${fmt(inter.estimate, 5)} per 100 km (clustered ${pIs(inter.p)}: ${significance(inter.p)}). ${r.n} pair-dates, ${r.pairs} pairs. ${tail}`
  );
}

// Like with like: the placebo's coefficient with the same p-values as the commodity's. A placebo
// that moves like the commodity means the coverage measure picks up a common trend.
export function placeboSentence(
  commodity: string,
  main: RegressionForText,
  placebo: RegressionForText,
): string {
  const b = main.coefficients[0].estimate;
  const pb = placebo.coefficients[0];
  const head = `Placebo: the same regression on the dollar exchange rate, which costs nothing to ship, gives a coverage coefficient of ${fmt(pb.estimate, 5)} (${pBoth(placebo)}), against ${fmt(b, 5)} for ${commodity} (${pBoth(main)}).`;
  const sameSign = Math.sign(pb.estimate) === Math.sign(b);
  const placeboSignificant =
    pb.p < ALPHA || (placebo.bootstrap !== null && placebo.bootstrap.p < ALPHA);
  const asLarge = Math.abs(pb.estimate) >= Math.abs(b);
  if (sameSign && (placeboSignificant || asLarge)) {
    const why = [
      asLarge ? 'as large or larger' : '',
      placeboSignificant
        ? `significant by the ${pb.p < ALPHA ? 'clustered' : 'bootstrap'} p-value`
        : '',
    ]
      .filter(Boolean)
      .join(' and ');
    return `${head} The placebo moves like the commodity (the same sign, ${why}): the coverage coefficient is likely picking up a common trend in price gaps, not an effect of phones on the cost of trading goods.`;
  }
  if (placeboSignificant)
    return `${head} The placebo is significant with the opposite sign: the coverage measure is correlated with something else that moves gaps, so the ${commodity} result is hard to read as an effect of phones.`;
  return `${head} The placebo is not significant by either p-value and smaller, as expected if coverage works through the cost of trading goods.`;
}

// Granger precedence after Holm's adjustment over every test of the network; "precedes", because
// predicting another market's price changes is not causing them.
export function networkSentence(
  nodes: { market: string; leads: number; ledBy: number }[],
  edges: { leader: string | null; a: string; b: string; granger: object }[],
  testsAdjusted: number,
): string {
  const holm = `Holm-adjusted over ${testsAdjusted} tests (every pair, both directions)`;
  const led = edges.filter((e) => e.leader);
  if (!led.length)
    return `Granger tests on price changes (lags by BIC, ${holm}): no market's price changes precede another's at the ${ALPHA * 100} % level.`;
  const lines = led.map((e) => {
    const g = e.granger as { aToB: { pHolm: number }; bToA: { pHolm: number } };
    const p = e.leader === e.a ? g.aToB.pHolm : g.bToA.pHolm;
    return `${e.leader}'s price changes precede ${e.leader === e.a ? e.b : e.a}'s (adjusted ${pIs(p)})`;
  });
  const top = [...nodes].sort((x, y) => y.leads - x.leads)[0];
  return `Granger tests on price changes (lags by BIC, ${holm}): ${lines.join('; ')}.${top.leads > 1 ? ` ${top.market} precedes the most pairs (${top.leads}).` : ''} Precedence is about prediction, not cause: a common shock that reaches one market's survey first looks the same.`;
}

export const BETA_CAVEAT =
  'Beta-convergence (β < 0) is expected even without any convergence when prices are measured with error: a price recorded too high at one survey tends to be recorded lower at the next (regression to the mean), so a negative β is weak evidence; the trend of the dispersion (sigma-convergence) is the stronger test.';

export const PLACEBO_PREMISE_CAVEAT =
  "The placebo's premise, that coverage should not narrow gaps in a price that costs nothing to ship, is itself an assumption: phones lower search costs for currency traders too, so a placebo effect does not prove the commodity result spurious, and its absence does not prove it causal.";
