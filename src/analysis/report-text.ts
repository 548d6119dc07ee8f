// Sentences for the convergence report, written only from computed statistics: each function takes
// numbers and returns words. The rules every sentence follows, each stated where it applies:
// - "significant" only where the wild cluster bootstrap says so; a clustered p-value with fewer
//   than FEW_CLUSTERS clusters is shown and called unreliable, never significant;
// - a design that cannot identify a coefficient says so, and why, with no number;
// - a failure to reject a unit root is "cannot reject a unit root", never "no mean reversion";
// - a difference between periods or series is claimed only from a test of that difference.

export const ALPHA = 0.05;
export const FEW_CLUSTERS = 30;

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
// A list in a sentence: every item up to `max`, else the first `max` and how many more (a
// referee reads a sentence, not a table: every item stays in the JSON and the CSV).
export const listed = (items: string[], max = LIST_MAX): string =>
  items.length <= max
    ? items.join(', ')
    : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;

export const LIST_MAX = 12;
// Beyond this many pairs a half-life sentence counts them instead of naming them.
export const NAMED_PAIRS_MAX = 8;

export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n} ${n === 1 ? one : many}`;

// Why a regression has no number: the design check's reason, or too few observations.
export const whyNoEstimate = (r: { reason: string } | { message: string }): string =>
  'reason' in r ? `not identified: ${r.reason}` : r.message;

export interface BootstrapForText {
  p: number;
  replications: number;
  enumerated: boolean;
  weights?: string;
}

// The p-values of one clustered coefficient and the verdict a sentence may draw from them. The
// bootstrap decides where it ran; without it a clustered p decides only with FEW_CLUSTERS or more
// clusters; otherwise no verdict.
export function inference(
  clusteredP: number,
  clusters: number,
  bootstrap: BootstrapForText | null,
): { words: string; verdict: string; decisiveP: number | null } {
  const boot = bootstrap
    ? `wild cluster bootstrap ${pIs(bootstrap.p)} (${bootstrap.weights === 'webb' ? 'Webb' : bootstrap.weights === 'rademacher' ? 'Rademacher' : 'wild'} weights, ${bootstrap.enumerated ? `all ${bootstrap.replications} weight vectors` : `${bootstrap.replications} replications`}, ${plural(clusters, 'cluster')})`
    : null;
  const few = clusters < FEW_CLUSTERS;
  const clustered = `clustered ${pIs(clusteredP)}${few ? ` (unreliable with ${plural(clusters, 'cluster')})` : ` (${clusters} clusters)`}`;
  const words = boot ? `${boot}; ${clustered}` : clustered;
  if (bootstrap)
    return {
      words,
      verdict: `by the wild cluster bootstrap it is ${significance(bootstrap.p)}`,
      decisiveP: bootstrap.p,
    };
  if (!few)
    return {
      words,
      verdict: `by the clustered t-test it is ${significance(clusteredP)}`,
      decisiveP: clusteredP,
    };
  return {
    words,
    verdict: `no p-value here may be called significant (${plural(clusters, 'cluster')} are too few for the clustered t-test, and no bootstrap was run)`,
    decisiveP: null,
  };
}

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
  autocorrelated: boolean,
): string {
  if (!bp) return `Too few observations to search for breaks in the ${measure}.`;
  if (!bp.breakDates.length)
    return `Bai-Perron finds no break in the level of the ${measure} (BIC prefers none).`;
  const regimes = bp.regimes
    .map((r) => `${fmt(r.mean, 4)} from ${r.from} to ${r.to}`)
    .join(', then ');
  return `Bai-Perron (BIC) finds ${plural(bp.breakDates.length, 'break')} in the level of the ${measure}, after ${bp.breakDates.join(', ')}: mean ${regimes}${autocorrelated ? ' (BIC counts breaks as if the errors were independent; with autocorrelation, as here, it tends to find too many, and a trending series shows level breaks wherever it is cut)' : ''}.`;
}

// A break in the trend at a candidate date, with where the date comes from. The mean-shift Chow
// test is not used in sentences: a trending series rejects a level shift at almost any date.
export function trendBreakSentence(
  measure: string,
  b: { date: string; slopeBefore: number; slopeChange: number; t: number; p: number; lag: number },
  reason: string | undefined,
): string {
  const dir = b.slopeChange < 0 ? 'steeper downwards' : 'less steep downwards or upwards';
  return `A break in the trend of the ${measure} at ${b.date}${reason ? ` (the candidate date: ${reason})` : ''}: a segmented trend gives a change of slope of ${fmt(b.slopeChange, 5)} per year (from ${fmt(b.slopeBefore, 5)}; Newey-West errors, lag ${b.lag}: t = ${fmt(b.t, 2)}, ${pIs(b.p)}), ${significance(b.p)}${b.p < ALPHA ? `: after the date the trend is ${dir}` : ''}.`;
}

// Kept for the trend endpoint's readers: the mean-shift test with its autocorrelation warning.
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

// Beta-convergence: the deviations from the cross-market mean sum to zero on each date, so errors
// are clustered by date; the sentence follows the clustered result.
export function betaSentence(b: {
  beta: number;
  betaSeClustered: number;
  betaPClustered: number;
  clusters: number;
}): string {
  const dir = b.beta < 0 ? 'back towards' : 'away from';
  const verdict =
    b.clusters < FEW_CLUSTERS
      ? `with ${plural(b.clusters, 'date')} as clusters the p-value is unreliable and no significance is claimed`
      : significance(b.betaPClustered);
  return `Beta-convergence: a market ${b.beta < 0 ? 'above' : 'below'} the cross-market mean log price moves ${dir} it by the next survey (β = ${fmt(b.beta, 3)}, standard error clustered by date ${fmt(b.betaSeClustered, 3)}, ${pIs(b.betaPClustered)}, ${b.clusters} dates: ${verdict}); measurement error alone produces a negative β (see the caveats).`;
}

export interface PairHalfLife {
  a: string;
  b: string;
  n?: number;
  halfLifeIntervals: number | null;
  halfLifeDays: number | null;
  rho: number;
  rhoSe?: number;
  adf?: { tau: number; lags?: number; criticalValues: { '5pct': number } };
}

// A unit root is rejected at 5 % by the ADF test (when it was run) and ρ is below 1.
export const meanReverting = (l: PairHalfLife): boolean =>
  l.rho < 1 && (!l.adf || l.adf.tau < l.adf.criticalValues['5pct']);

// Half-lives of one period, in days at the period's median survey interval. A half-life under one
// interval cannot be seen in the data and is never given in days; a gap whose ADF test does not
// reject a unit root "cannot reject a unit root" (low power at these n), with no half-life.
export function halfLifeSentence(
  period: { from: string; to: string; medianIntervalDays?: number | null },
  lives: PairHalfLife[],
  insufficientPairs: number,
  nameOf: (market: string) => string = (m) => m,
): string {
  const extra = insufficientPairs
    ? ` (${plural(insufficientPairs, 'pair')} with too few observations left out)`
    : '';
  if (!lives.length)
    return `From ${period.from} to ${period.to} no pair has a half-life to report${extra}.`;
  if (lives.length > NAMED_PAIRS_MAX) return countedHalfLives(period, lives, extra);
  const reverting = lives.filter(meanReverting);
  const stuck = lives.filter((l) => !meanReverting(l));
  const parts: string[] = [];
  const under = reverting.filter((l) => l.halfLifeIntervals === null || l.halfLifeIntervals < 1);
  const over = reverting.filter((l) => l.halfLifeIntervals !== null && l.halfLifeIntervals >= 1);
  const names = (ls: PairHalfLife[]) => ls.map((l) => `${nameOf(l.a)}–${nameOf(l.b)}`).join(', ');
  const interval = period.medianIntervalDays ?? null;
  if (under.length)
    parts.push(
      `deviations from the law of one price between ${names(under)} halve in under one survey interval (${interval ? `${fmt(interval, 0)} days, the period's median; ` : ''}AR(1) ρ ${rangeOf(
        under.map((l) => l.rho),
        2,
      )})`,
    );
  if (over.length) {
    const iv = over.map((l) => l.halfLifeIntervals as number);
    parts.push(
      `${under.length ? `between ${names(over)} they` : `deviations from the law of one price between ${names(over)}`} halve in ${rangeOf(iv, 2)} survey intervals${
        interval
          ? ` (about ${rangeOf(
              iv.map((x) => x * interval),
              0,
            )} days at the period's median interval of ${fmt(interval, 0)} days)`
          : ''
      }`,
    );
  }
  for (const l of stuck)
    parts.push(
      l.adf
        ? `for ${nameOf(l.a)}–${nameOf(l.b)} the data cannot reject a unit root in the gap (ADF τ = ${fmt(l.adf.tau, 2)} against ${fmt(l.adf.criticalValues['5pct'], 2)} at 5 %, n = ${l.n ?? '?'}, ${plural(l.adf.lags ?? 0, 'lag')}; the test has low power at this n), so no half-life is given`
        : `for ${nameOf(l.a)}–${nameOf(l.b)} ρ = ${fmt(l.rho, 2)} is not below 1, so no half-life is given`,
    );
  return `From ${period.from} to ${period.to}, ${parts.join('; ')}${extra}.`;
}

// The same reading for many pairs, counted: how many halve within one interval, how many in more
// (range and median), and how many cannot reject a unit root; each pair is in the JSON.
function countedHalfLives(
  period: { from: string; to: string; medianIntervalDays?: number | null },
  lives: PairHalfLife[],
  extra: string,
): string {
  const reverting = lives.filter(meanReverting);
  const under = reverting.filter((l) => l.halfLifeIntervals === null || l.halfLifeIntervals < 1);
  const over = reverting.filter((l) => l.halfLifeIntervals !== null && l.halfLifeIntervals >= 1);
  const stuck = lives.filter((l) => !meanReverting(l));
  const interval = period.medianIntervalDays ?? null;
  const parts: string[] = [];
  if (under.length)
    parts.push(
      `${under.length} halve in under one survey interval (${interval ? `${fmt(interval, 0)} days, the period's median; ` : ''}AR(1) ρ ${rangeOf(
        under.map((l) => l.rho),
        2,
      )})`,
    );
  if (over.length) {
    const iv = over.map((l) => l.halfLifeIntervals as number).sort((a, b) => a - b);
    const median = iv[Math.floor(iv.length / 2)];
    parts.push(
      `${over.length} halve in ${rangeOf(iv, 1)} survey intervals (median ${fmt(median, 1)}${interval ? `; about ${fmt(median * interval, 0)} days at the period's median interval of ${fmt(interval, 0)} days` : ''})`,
    );
  }
  const tested = stuck.filter((l) => l.adf);
  if (tested.length)
    parts.push(
      `for ${tested.length} the data cannot reject a unit root in the gap (ADF at 5 %, n ${rangeOf(
        tested.map((l) => l.n ?? 0),
        0,
      )}; the test has low power at these n), so no half-life is given`,
    );
  if (stuck.length > tested.length)
    parts.push(`for ${stuck.length - tested.length} ρ is not below 1, so no half-life is given`);
  return `From ${period.from} to ${period.to}, of ${lives.length} pairs with enough common dates: ${parts.join('; ')}${extra}. Each pair's estimate is in the report's halfLives and at /api/analysis/half-lives.`;
}

const rangeOf = (v: number[], digits: number): string => {
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return fmt(lo, digits) === fmt(hi, digits)
    ? fmt(lo, digits)
    : `${fmt(lo, digits)} to ${fmt(hi, digits)}`;
};

export interface PersistenceChange {
  a: string;
  b: string;
  rho0: number;
  rho1: number;
  z: number;
  p: number;
  pHolm: number;
}

// Across the first and last periods: each pair's persistence ρ compared by z = (ρ1 − ρ0) /
// √(se0² + se1²) (independent samples), Holm-adjusted over the pairs. Half-lives are said to have
// lengthened or shortened only for pairs where that difference is significant.
export function halfLifeChangeSentence(
  first: { from: string; to: string },
  last: { from: string; to: string },
  changes: PersistenceChange[],
  nameOf: (market: string) => string = (m) => m,
): string | null {
  if (!changes.length) return null;
  const span = `from ${first.from}–${first.to} to ${last.from}–${last.to}`;
  const tested = `each pair's AR(1) ρ compared between the periods, z-test, Holm-adjusted over ${plural(changes.length, 'pair')}`;
  const sig = changes.filter((c) => c.pHolm < ALPHA);
  if (!sig.length)
    return `No pair's persistence changed detectably ${span} (${tested}; smallest adjusted ${pIs(Math.min(...changes.map((c) => c.pHolm)))}): the data do not say whether half-lives lengthened or shortened.`;
  const line = (c: PersistenceChange) =>
    `${nameOf(c.a)}–${nameOf(c.b)} ${c.rho1 > c.rho0 ? 'lengthened' : 'shortened'} (ρ ${fmt(c.rho0, 2)} to ${fmt(c.rho1, 2)}, adjusted ${pIs(c.pHolm)})`;
  return `Half-lives changed ${span} for ${plural(sig.length, 'pair')} of ${changes.length} (${tested}): ${sig.map(line).join('; ')}. A longer half-life as coverage grew runs against the hypothesis that phones sped up arbitrage.`;
}

// Granger precedence after Holm's adjustment over every test of the network; "precedes", because
// predicting another market's price changes is not causing them. On irregular survey dates a lag
// is one survey, whatever its length in days: the sentence says so with the intervals' range.
export function networkSentence(
  nodes: { market: string; leads: number; ledBy: number }[],
  edges: { leader: string | null; a: string; b: string; granger: object }[],
  testsAdjusted: number,
  intervals: { min: number; median: number; max: number } | null = null,
  nameOf: (market: string) => string = (m) => m,
): string {
  if (!testsAdjusted)
    return 'Granger tests: no market pair has enough common survey dates for them, so none was run.';
  const lag = intervals
    ? `; a lag is one survey, ${fmt(intervals.median, 0)} days at the median and from ${fmt(intervals.min, 0)} to ${fmt(intervals.max, 0)} days`
    : '';
  const holm = `Holm-adjusted over ${testsAdjusted} tests (every pair, both directions)${lag}`;
  const led = edges.filter((e) => e.leader);
  if (!led.length)
    return `Granger tests on price changes (lags by BIC, ${holm}): no market's price changes precede another's at the ${ALPHA * 100} % level.`;
  const lines = led.map((e) => {
    const g = e.granger as { aToB: { pHolm: number }; bToA: { pHolm: number } };
    const p = e.leader === e.a ? g.aToB.pHolm : g.bToA.pHolm;
    return `${nameOf(e.leader!)}'s price changes precede ${nameOf(e.leader === e.a ? e.b : e.a)}'s (adjusted ${pIs(p)})`;
  });
  const top = [...nodes].sort((x, y) => y.leads - x.leads)[0];
  return `Granger tests on price changes (lags by BIC, ${holm}): ${lines.join('; ')}.${top.leads > 1 ? ` ${nameOf(top.market)} precedes the most pairs (${top.leads}).` : ''} Precedence is about prediction, not cause: a common shock that reaches one market's survey first looks the same.`;
}

export const BETA_CAVEAT =
  'Beta-convergence (β < 0) is expected even without any convergence when prices are measured with error: a price recorded too high at one survey tends to be recorded lower at the next (regression to the mean), so a negative β is weak evidence; the trend of the dispersion (sigma-convergence) is the stronger test.';

export const placeboPremiseCaveat = (label: string, premise: string): string =>
  `The placebo's premise, that coverage should not narrow gaps in ${label} (${premise}), is itself an assumption: phones lower search costs for its traders too, so a placebo effect does not prove the commodity result spurious, and its absence does not prove it causal.`;
