import { holmAdjust } from './stats/multiple-testing';
import { zTwoSided } from './stats/distributions';
import type { Insufficient, PairSources } from './pairs';
import { pairSourcesSentence } from './pairs';
import type { NotIdentified, PairRegressionResult } from './pair-regression';
import type { PlaceboDifferenceResult } from './placebo-difference';
import type { ReportInputs } from './report-inputs';
import {
  ALPHA,
  BETA_CAVEAT,
  betaSentence,
  breaksSentence,
  FEW_CLUSTERS,
  fmt,
  halfLifeChangeSentence,
  halfLifeSentence,
  inference,
  listed,
  networkSentence,
  PairHalfLife,
  PersistenceChange,
  placeboPremiseCaveat,
  plural,
  trendBreakSentence,
  trendSentence,
  whyNoEstimate,
} from './report-text';

// The report's sections as pure functions of its inputs and estimates: one function per section,
// each returning its sentences and the number of tests whose p-values they show (the summary
// ends with that count).

type Outcome = PairRegressionResult | NotIdentified | Insufficient;
type Regression = { result: Outcome } | null;
type Difference = PlaceboDifferenceResult | NotIdentified | Insufficient | null;

interface TrendLike {
  mannKendall?: Parameters<typeof trendSentence>[1];
  baiPerron?: Parameters<typeof breaksSentence>[1];
  trendBreaks?: ({ date: string } & Partial<Parameters<typeof trendBreakSentence>[1]>)[];
  message?: string;
}

export interface ReportEstimates {
  sigmaConvergence: { cv: TrendLike; meanAbsLogDiff: TrendLike };
  betaConvergence: object;
  halfLives: {
    periods: {
      from: string;
      to: string;
      medianIntervalDays: number | null;
      pairs: (object & { a: string; b: string })[];
    }[];
  };
  pairRegression: {
    national: Regression;
    towers: Regression;
    placebo: { national: Regression; towers: Regression };
    placeboDifference: { national: Difference; towers: Difference };
  };
  network: {
    nodes: { market: string; leads: number; ledBy: number }[];
    edges: { leader: string | null; a: string; b: string; granger: object }[];
  };
}

interface Section {
  sentences: string[];
  tests: number;
}

const isFit = (r: Outcome): r is PairRegressionResult => 'coefficients' in r;

// The selection in words: "rice (KES/kg, retail) in Kenya".
const seriesWords = (i: ReportInputs): string =>
  `${i.commodity}${i.unitLabel || i.priceType ? ` (${[i.unitLabel, i.priceType].filter(Boolean).join(', ')})` : ''} in ${i.countryName}${i.from || i.to ? `, ${i.from ?? 'the start'} to ${i.to ?? 'the end'}` : ''}`;

// What the data are; an empty selection is one sentence and nothing else.
function dataSection(i: ReportInputs, dates: string[], pairsFed: PairSources[]): Section {
  const nameOf = (m: string) => i.names.get(m) ?? m;
  const markets = [...new Set(i.points.map((p) => p.market))].map(nameOf).sort();
  const sources = [...new Set(i.points.map((p) => p.source))].sort();
  return {
    sentences: [
      `The test uses ${i.points.length} price observations of ${seriesWords(i)} in ${plural(markets.length, 'market')} (${listed(markets)}) on ${dates.length} survey dates from ${dates[0]} to ${dates[dates.length - 1]} (source: ${sources.join(', ')}).`,
      pairSourcesSentence(pairsFed, nameOf),
    ],
    tests: 0,
  };
}

// A country without a report profile gets one sentence naming what that leaves out.
function profileSection(i: ReportInputs): Section {
  if (i.hasProfile) return { sentences: [], tests: 0 };
  return {
    sentences: [
      `No report profile is known for ${i.countryName} (data/reference/country-report-profiles.json): the report has no placebo series, no event window and no candidate break dates for it, so it makes no placebo comparison, uses no border control and tests no breaks.`,
    ],
    tests: 0,
  };
}

// Sigma-convergence: the Mann-Kendall trend, Bai-Perron level breaks (with the warning), and a
// break in the trend at each candidate date with its reason.
function sigmaSection(i: ReportInputs, sigma: TrendLike): Section {
  if (!sigma.mannKendall)
    return {
      sentences: [`Sigma-convergence is not tested: ${sigma.message ?? 'no dispersion series'}.`],
      tests: 0,
    };
  const out = [trendSentence('coefficient of variation', sigma.mannKendall)];
  let tests = sigma.mannKendall.p === null ? 0 : 1;
  const autocorrelated = sigma.mannKendall.nOverNStar > 1;
  if (sigma.baiPerron !== undefined)
    out.push(breaksSentence('coefficient of variation', sigma.baiPerron, autocorrelated));
  const reasons = new Map(i.profile.breaks.map((b) => [b.date, b.reason]));
  for (const b of sigma.trendBreaks ?? [])
    if (b.slopeChange !== undefined) {
      out.push(
        trendBreakSentence(
          'coefficient of variation',
          b as Parameters<typeof trendBreakSentence>[1],
          reasons.get(b.date),
        ),
      );
      tests++;
    }
  return { sentences: out, tests };
}

function betaSection(beta: object): Section {
  if ('betaSeClustered' in beta)
    return { sentences: [betaSentence(beta as Parameters<typeof betaSentence>[0])], tests: 1 };
  // too few dates with every market priced (a large WFP country may have none): said as such
  return {
    sentences: [`Beta-convergence is not estimated: ${(beta as { message: string }).message}.`],
    tests: 0,
  };
}

// Half-lives per period, then a test of each pair's change between the first and last period.
function halfLifeSection(i: ReportInputs, lives: ReportEstimates['halfLives']): Section {
  const nameOf = (m: string) => i.names.get(m) ?? m;
  const periods = lives.periods.map((p) => ({
    ...p,
    lives: p.pairs.filter((x): x is typeof x & PairHalfLife => 'rho' in x),
    insufficient: p.pairs.filter((x) => !('rho' in x)).length,
  }));
  const out = periods.map((p) => halfLifeSentence(p, p.lives, p.insufficient, nameOf));
  let tests = periods.reduce((s, p) => s + p.lives.filter((l) => l.adf).length, 0);
  const withData = periods.filter((p) => p.lives.length);
  if (withData.length >= 2) {
    const first = withData[0];
    const last = withData[withData.length - 1];
    const before = new Map(first.lives.map((l) => [`${l.a}|${l.b}`, l]));
    const raw = last.lives
      .map((l1) => ({ l0: before.get(`${l1.a}|${l1.b}`), l1 }))
      .filter((x): x is { l0: PairHalfLife; l1: PairHalfLife } => !!x.l0?.rhoSe && !!x.l1.rhoSe)
      .map(({ l0, l1 }) => {
        const z = (l1.rho - l0.rho) / Math.sqrt(l0.rhoSe! ** 2 + l1.rhoSe! ** 2);
        return { a: l1.a, b: l1.b, rho0: l0.rho, rho1: l1.rho, z, p: zTwoSided(z) };
      });
    const adjusted = holmAdjust(raw.map((c) => c.p));
    const changes: PersistenceChange[] = raw.map((c, k) => ({ ...c, pHolm: adjusted[k] }));
    const s = halfLifeChangeSentence(first, last, changes, nameOf);
    if (s) {
      out.push(s);
      tests += changes.length;
    }
  }
  return { sentences: out, tests };
}

// The design's identification first, then the size in the data's terms, then inference.
function nationalSection(i: ReportInputs, r: Regression): Section {
  if (!i.nationalSeries)
    return {
      sentences: [
        `National coverage: no mobile-subscription series is stored for ${i.countryName}, so the pair regression on national coverage is not run (import one: npm run cli -- import subscriptions <file>).`,
      ],
      tests: 0,
    };
  if (!r) return { sentences: [], tests: 0 };
  const head = `Design (national coverage, pair fixed effects): national subscriptions per 100 are one number per date, the same for every pair, so with pair fixed effects the coverage coefficient is a time trend in the price gaps. It cannot tell phones from anything else that trended${i.profile.alsoTrended ? ` (in ${i.countryName}: ${i.profile.alsoTrended})` : ''}; read it as the size of that trend, not as an effect of phones.`;
  const res = r.result;
  if (!isFit(res))
    return {
      sentences: [head, `National coverage: ${whyNoEstimate(res)}; no coefficient is reported.`],
      tests: 0,
    };
  const c = res.coefficients[0];
  const d = res.design;
  const rise = d.coverageAtEnd - d.coverageAtStart;
  const inf = inference(c.p, res.pairs, res.bootstrap);
  return {
    sentences: [
      head,
      `Its size: subscriptions went from ${fmt(d.coverageAtStart, 1)} to ${fmt(d.coverageAtEnd, 1)} per 100 over the sample, and the coefficient ${fmt(c.estimate, 5)} per subscription per 100 implies a change of ${fmt(c.estimate * rise, 4)} in the mean |ln p_i − ln p_j| over that rise, beside a mean gap of ${fmt(d.meanGap, 4)} (${res.n} pair-dates, ${plural(res.pairs, 'pair')}; ${inf.words}): ${inf.verdict}.`,
    ],
    tests: 1,
  };
}

// Tower coverage with pair and date effects: identified by pairs that switch, said with when.
function towerSection(i: ReportInputs, r: Regression, synthetic: boolean): Section {
  if (!r || synthetic) return { sentences: [], tests: 0 };
  const res = r.result;
  const label = `Tower coverage (${i.towerSources.join(', ')}; pair and date fixed effects, so everything common to a date, national coverage included, is absorbed)`;
  if (!isFit(res))
    return {
      sentences: [`${label}: ${whyNoEstimate(res)}; no coefficient is reported.`],
      tests: 0,
    };
  const c = res.coefficients[0];
  const d = res.design;
  const inf = inference(c.p, res.pairs, res.bootstrap);
  return {
    sentences: [
      `${label}: ${plural(d.switchingPairs, 'pair')} of ${res.pairs} switch coverage within the sample${d.firstSwitch ? ` (from ${d.firstSwitch}${d.lastSwitch !== d.firstSwitch ? ` to ${d.lastSwitch}` : ''})` : ''}, and they identify the coefficient: both markets within reach of a tower goes with a change of ${fmt(c.estimate, 4)} in |ln p_i − ln p_j|, beside a mean gap of ${fmt(d.meanGap, 4)} (${res.n} pair-dates; ${inf.words}): ${inf.verdict}.`,
    ],
    tests: 1,
  };
}

// The placebo: its own coefficient, and the difference tested in one stacked regression.
function placeboSection(
  i: ReportInputs,
  label: string,
  main: Regression,
  placebo: Regression,
  diff: Difference,
): Section {
  if ('missing' in i.placebo) return { sentences: [], tests: 0 };
  if (!main || !placebo || !diff) return { sentences: [], tests: 0 };
  const p = i.placebo;
  if (!('difference' in diff))
    return {
      sentences: [
        `Placebo difference (${label}, ${p.label}): ${whyNoEstimate(diff)}; no difference is reported.`,
      ],
      tests: 0,
    };
  const inf = inference(diff.difference.p, diff.clusters, diff.bootstrap);
  const separated =
    inf.decisiveP !== null && inf.decisiveP < ALPHA
      ? `${i.commodity}'s gaps moved with coverage differently from ${p.label}'s, so the part of the coefficient common to both is not all of it; what remains is specific to ${i.commodity} (phones, or anything else that moved ${i.commodity}'s gaps and not the placebo's)`
      : `the data cannot tell ${i.commodity}'s coefficient from ${p.label}'s, so they do not separate an effect on ${i.commodity} from what moved both`;
  return {
    sentences: [
      `Placebo difference (${label}): in one stacked regression of ${i.commodity} and ${p.label} (${p.premise}), each series with its own pair effects and slopes and errors clustered by market pair, ${i.commodity}'s coverage coefficient (${fmt(diff.commodityEffect, 5)}) minus the placebo's (${fmt(diff.placeboEffect, 5)}) is ${fmt(diff.difference.estimate, 5)} (${inf.words}): ${inf.verdict}; ${separated}.`,
    ],
    tests: 1,
  };
}

function networkSection(
  i: ReportInputs,
  dates: string[],
  net: ReportEstimates['network'],
): Section {
  const tests = net.edges.filter((e) => 'aToB' in e.granger).length * 2;
  const days = dates.map((d) => Date.parse(`${d}T00:00:00Z`) / 86_400_000);
  const gaps = days
    .slice(1)
    .map((d, k) => d - days[k])
    .sort((a, b) => a - b);
  const intervals = gaps.length
    ? { min: gaps[0], median: gaps[Math.floor(gaps.length / 2)], max: gaps[gaps.length - 1] }
    : null;
  return {
    sentences: [
      networkSentence(net.nodes, net.edges, tests, intervals, (m) => i.names.get(m) ?? m),
    ],
    tests,
  };
}

function caveats(i: ReportInputs, e: ReportEstimates, synthetic: boolean): string[] {
  const out: string[] = [];
  const fits = [e.pairRegression.national, e.pairRegression.towers]
    .map((r) => r?.result)
    .filter((r): r is PairRegressionResult => !!r && isFit(r));
  const clusters = Math.max(0, ...fits.map((f) => f.pairs));
  if (fits.length && clusters < FEW_CLUSTERS)
    out.push(
      `The pair regressions have ${plural(clusters, 'cluster')} (market pairs): clustered p-values are unreliable with fewer than about ${FEW_CLUSTERS}, so only the wild cluster bootstrap's are read, and with so few clusters even it has little power.`,
    );
  const last = i.nationalLastDate;
  const after = last ? new Set(i.points.filter((p) => p.date > last).map((p) => p.date)).size : 0;
  if (e.pairRegression.national && isFit(e.pairRegression.national.result) && last && after)
    out.push(
      `Subscriptions per 100 for ${i.countryName} are known up to ${last}; the ${plural(after, 'survey date')} after it carry that last value, so the national coefficient rests on the dates up to ${last}.`,
    );
  if (fits.length)
    out.push(
      'Subscriptions per 100 people are not coverage: they count SIM cards, not who can call whom, and they rise with income; towers say where a signal reached, not who used it.',
    );
  if ('panel' in i.placebo) out.push(placeboPremiseCaveat(i.placebo.label, i.placebo.premise));
  if ('betaSeClustered' in e.betaConvergence) out.push(BETA_CAVEAT);
  const border = i.profile.borderClosure;
  if (border)
    out.push(
      `${border.name[0].toUpperCase()}${border.name.slice(1)} (${border.from} to ${border.to}) is a control in the national design (the date effects absorb it in the tower design); where the data do not reach it, it has no variation and is dropped.`,
    );
  if (synthetic)
    out.push(
      'The tower-coverage regression is not reported as a finding: the towers loaded include the SYNTHETIC sample (made-up sites for demonstration). Import a real registry and remove the sample to test tower coverage.',
    );
  else if (i.towerSources.length)
    out.push(
      `Tower coverage comes from ${i.towerSources.join(', ')}; OpenCelliD dates are when records were made, not when towers went up.`,
    );
  else out.push('No tower registry is loaded: only national coverage is used.');
  return [...out, ...i.profile.caveats];
}

export function writeReport(
  i: ReportInputs,
  e: ReportEstimates,
  facts: { dates: string[]; pairsFed: PairSources[]; syntheticTowers: boolean },
): { summary: string[]; caveats: string[]; settings: string; testsReported: number } {
  const breaks = i.profile.breaks.map((b) => b.date);
  const settings = `pair regressions clustered by pair with a wild cluster bootstrap of the coverage coefficient (seed 20100101): national coverage with pair fixed effects${i.profile.borderClosure ? ' and the border control' : ''}; tower coverage with pair and date fixed effects; the placebo difference in one stacked regression clustered by market pair. Half-lives per period split at ${breaks.join(' and ') || 'no date (none known for the country)'}, with ADF; trend breaks (segmented trend, Newey-West) at the same dates; Granger lags by BIC up to 4, Holm-adjusted. Distance heterogeneity: /api/analysis/pair-regression?controls=distance.`;
  if (!i.points.length)
    return {
      summary: [
        `No observations of ${seriesWords(i)}: there is nothing to test, so no statistic is reported.${i.alternatives.length ? ` ${i.countryName}'s data have ${i.alternatives.join(', ')} (commodity=${i.alternatives[0]}).` : ''}`,
      ],
      caveats: [],
      settings,
      testsReported: 0,
    };
  const pr = e.pairRegression;
  const sections: Section[] = [
    dataSection(i, facts.dates, facts.pairsFed),
    profileSection(i),
    sigmaSection(i, e.sigmaConvergence.cv),
    betaSection(e.betaConvergence),
    halfLifeSection(i, e.halfLives),
    nationalSection(i, pr.national),
    placeboSection(
      i,
      'national coverage',
      pr.national,
      pr.placebo.national,
      pr.placeboDifference.national,
    ),
    towerSection(i, pr.towers, facts.syntheticTowers),
    facts.syntheticTowers
      ? { sentences: [], tests: 0 }
      : placeboSection(
          i,
          'tower coverage',
          pr.towers,
          pr.placebo.towers,
          pr.placeboDifference.towers,
        ),
    networkSection(i, facts.dates, e.network),
  ];
  if ('missing' in i.placebo && i.hasProfile)
    sections.push({ sentences: [`No placebo comparison: ${i.placebo.missing}.`], tests: 0 });
  const tests = sections.reduce((s, x) => s + x.tests, 0);
  const summary = sections.flatMap((s) => s.sentences).filter(Boolean);
  if (tests)
    summary.push(
      `This summary shows ${plural(tests, 'test')}; at the ${ALPHA * 100} % level about ${fmt(tests * ALPHA, 1)} would reject by chance if every null hypothesis were true. Only the Granger tests are adjusted (Holm, within their family), and the half-life changes within theirs.`,
    );
  return { summary, caveats: caveats(i, e, facts.syntheticTowers), settings, testsReported: tests };
}
