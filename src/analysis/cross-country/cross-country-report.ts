import { countryName } from '../../common/countries';
import { ALPHA, fmt, listed, pIs, plural } from '../report-text';
import { CrossCountryEstimates } from './cross-country-analysis';

// The cross-country report in sentences, written only from the estimates (pure). Its rules:
// - "significant" only from the wild cluster bootstrap by country, with the number of countries
//   beside every p; the clustered t-test's p is shown and, with fewer than 10 countries, called
//   unreliable (MacKinnon and Webb 2017), never significant;
// - with 2 countries no test is read at all: the comparison is one difference of two trends;
// - the within-country estimates are identified by time alone (national coverage is one value per
//   month) and are called trends in the gap, never effects of phones;
// - every caveat that holds for this design is said, whatever the numbers.

export const FEW_COUNTRIES = 10;
const PER_10 = 10; // effects are stated for 10 more subscriptions per 100 people

export interface CrossCountryReport {
  headline: string;
  sections: { title: string; sentences: string[] }[];
}

const nameOf = (iso: string) => `${countryName(iso)} (${iso})`;
const signed = (x: number, digits = 4) => (x >= 0 ? `+${fmt(x, digits)}` : fmt(x, digits));

// The series-level estimate: what it says, and what may be said of its p-values.
export function seriesLevelSentences(e: CrossCountryEstimates, measure: string): string[] {
  const s = e.seriesLevel;
  const rows = e.panel.rows;
  if (!s.identified)
    return [
      `No cross-country estimate: ${s.reason}. The per-country estimates below are all there is.`,
    ];
  const meanD = rows.reduce((a, r) => a + r.d, 0) / rows.length;
  const out = [
    `Across ${plural(s.clusters, 'country', 'countries')}, ${plural(s.series, 'series')} and ${plural(s.months, 'month')} (${plural(s.n, 'series-month')}), with series and month fixed effects, ${PER_10} more mobile subscriptions per 100 people go with a change of ${signed(PER_10 * s.estimate)} in ${measure} (its mean is ${fmt(meanD, 3)}; 95 % interval ${signed(PER_10 * s.ci95[0])} to ${signed(PER_10 * s.ci95[1])}, clustered by country).`,
  ];
  if (s.clusters === 2) {
    out.push(
      `With 2 countries the estimate is one difference between two countries' trends in dispersion over their difference in subscriptions: no test can separate phones from anything else that moved differently in the two (clustered ${pIs(s.p)} from 2 clusters and any bootstrap p are not evidence).`,
    );
    return out;
  }
  const unreliable = s.clusters < FEW_COUNTRIES;
  out.push(
    `The clustered t-test gives ${pIs(s.p)} with ${s.clusters} clusters (t with ${s.df} df)${unreliable ? `: with fewer than ${FEW_COUNTRIES} clusters it over-rejects, so it is not read as evidence` : ''}.`,
  );
  if (s.bootstrap)
    out.push(
      `The wild cluster bootstrap by country (${s.bootstrap.weights === 'webb' ? 'Webb' : 'Rademacher'} weights, ${s.bootstrap.enumerated ? `all ${s.bootstrap.replications} weight vectors` : `${s.bootstrap.replications} draws, seed ${s.bootstrap.seed}`}, ${s.bootstrap.clusters} clusters) gives ${pIs(s.bootstrap.p)}: the coefficient is ${s.bootstrap.p < ALPHA ? `significant at the ${ALPHA * 100} % level` : `not significant at the ${ALPHA * 100} % level`}${
        s.bootstrap.ci95[0] !== null || s.bootstrap.ci95[1] !== null
          ? `; its 95 % interval by test inversion is ${s.bootstrap.ci95[0] === null ? 'unbounded' : signed(PER_10 * s.bootstrap.ci95[0])} to ${s.bootstrap.ci95[1] === null ? 'unbounded' : signed(PER_10 * s.bootstrap.ci95[1])} per ${PER_10} subscriptions`
          : ''
      }.`,
    );
  else
    out.push(
      'No bootstrap was asked for (bootstrap=0): with this few clusters no significance is claimed.',
    );
  return out;
}

// The pair level: the same question on every pair of every series, read by the same rules.
export function pairLevelSentences(e: CrossCountryEstimates): string[] {
  const p = e.pairLevel;
  if (!p.identified)
    return e.seriesLevel.identified ? [`No pair-level estimate: ${p.reason}.`] : [];
  const boot = p.bootstrap;
  const read =
    p.clusters === 2
      ? 'with 2 countries no p-value is evidence'
      : boot
        ? `wild cluster bootstrap by country ${pIs(boot.p)} (${boot.clusters} clusters): ${boot.p < ALPHA ? 'significant' : 'not significant'} at the ${ALPHA * 100} % level`
        : `clustered ${pIs(p.p)} from ${p.clusters} clusters, not read as evidence without the bootstrap`;
  return [
    `At the pair level (${plural(p.pairs, 'market pair')} of every series, ${plural(p.n, 'pair-month')}, pair and month fixed effects), ${PER_10} more subscriptions go with a change of ${signed(PER_10 * p.estimate)} in the gap |ln p_i − ln p_j| (95 % interval ${signed(PER_10 * p.ci95[0])} to ${signed(PER_10 * p.ci95[1])}, clustered by country; ${read}).`,
  ];
}

// Which countries drive it: the estimate without each country in turn.
export function driversSentences(e: CrossCountryEstimates): string[] {
  const loo = e.leaveOneCountryOut.filter((l) => l.estimate !== null);
  if (!e.seriesLevel.identified) return [];
  if (!loo.length)
    return [
      'With 2 countries, leaving one out leaves nothing to compare: which country drives the estimate cannot be asked.',
    ];
  const sorted = [...loo].sort((a, b) => a.estimate! - b.estimate!);
  const base = e.seriesLevel.estimate;
  const most = [...loo].sort(
    (a, b) => Math.abs(b.estimate! - base) - Math.abs(a.estimate! - base),
  )[0];
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  const out = [
    `Leaving out one country at a time, the effect of ${PER_10} subscriptions runs from ${signed(PER_10 * lo.estimate!)} (without ${nameOf(lo.country)}) to ${signed(PER_10 * hi.estimate!)} (without ${nameOf(hi.country)}); ${nameOf(most.country)} moves it most.`,
  ];
  if (Math.sign(lo.estimate!) !== Math.sign(hi.estimate!))
    out.push('Its sign depends on which countries are in: one country can reverse it.');
  const missing = e.leaveOneCountryOut.filter((l) => l.estimate === null);
  if (missing.length)
    out.push(
      `Without ${listed(missing.map((m) => nameOf(m.country)))} there is no estimate (${missing[0].reason}).`,
    );
  return out;
}

// The within-country estimates and their pooling, called what they are: trends in the gap.
export function perCountrySentences(e: CrossCountryEstimates): string[] {
  const have = e.perCountry.filter((c) => c.estimate !== null);
  const out: string[] = [];
  if (have.length)
    out.push(
      `Within each country (the report's pair regression: pair fixed effects, errors clustered by pair), ${PER_10} more subscriptions go with a change in the pair gap of ${listed(have.map((c) => `${signed(PER_10 * c.estimate!)} in ${nameOf(c.country)} (${plural(c.pairs, 'pair')})`))}. National coverage is one value per month, so each of these is identified by time alone: a trend in the gap, not an effect of phones.`,
    );
  for (const c of e.perCountry.filter((x) => x.estimate === null))
    out.push(`${nameOf(c.country)} has no within-country estimate: ${c.reason}.`);
  const p = e.pooled;
  if (p.reml && p.dl)
    out.push(
      `Pooling the ${plural(p.reml.k, 'within-country estimate')} with random effects (REML): ${signed(PER_10 * p.reml.estimate)} per ${PER_10} subscriptions (95 % interval ${signed(PER_10 * p.reml.ci95[0])} to ${signed(PER_10 * p.reml.ci95[1])}, ${pIs(p.reml.p)}), τ² = ${p.reml.tau2.toExponential(2)}, I² = ${fmt(p.reml.i2, 1)} %; Cochran's Q = ${fmt(p.reml.q, 2)} on ${p.reml.qDf} df (${pIs(p.reml.qP)})${p.reml.qP < ALPHA ? ': the countries differ by more than chance' : ''}. DerSimonian-Laird gives ${signed(PER_10 * p.dl.estimate)} (τ² = ${p.dl.tau2.toExponential(2)}). The pooled number averages the countries' trends; it inherits their confounding and is no better identified than they are.`,
    );
  else if (p.reason) out.push(`No pooled estimate: ${p.reason}.`);
  return out;
}

const testWords = (t: { f: number; df1: number; df2: number; p: number }, G: number): string =>
  `F = ${fmt(t.f, 2)} on (${t.df1}, ${t.df2}) df, ${pIs(t.p)}${G < FEW_COUNTRIES || t.df1 > t.df2 / 2 ? ` (${G} clusters for ${t.df1} restrictions: the test over-rejects, so read it as a description)` : ''}`;

// Staggered adoption: when each country crossed the threshold, the event study with its leads,
// and the heterogeneity-robust estimate set against the static TWFE it corrects.
export function staggeredSentences(e: CrossCountryEstimates): string[] {
  const st = e.staggered;
  const out: string[] = [];
  const adopts = st.adoption.filter((a) => a.status === 'adopts');
  const always = st.adoption.filter((a) => a.status === 'always');
  const never = st.adoption.filter((a) => a.status === 'never');
  out.push(
    `Dating adoption at ${st.threshold} subscriptions per 100: ${adopts.length ? listed(adopts.map((a) => `${nameOf(a.country)} in ${a.month}`)) : 'no country crosses it within the panel'}${always.length ? `; ${listed(always.map((a) => nameOf(a.country)))} ${always.length > 1 ? 'were' : 'was'} above it at the first value and ${always.length > 1 ? 'are' : 'is'} left out (adoption date unknown)` : ''}${never.length ? `; ${listed(never.map((a) => nameOf(a.country)))} never ${never.length > 1 ? 'reach' : 'reaches'} it (a control throughout)` : ''}.`,
  );
  const es = st.eventStudy;
  if (!es.identified) out.push(`No event study: ${es.reason}.`);
  else {
    const leads = es.coefficients.filter((c) => c.eventYear <= -2);
    const lags = es.coefficients.filter((c) => c.eventYear >= 0);
    out.push(
      `Event study by TWFE (years since adoption, the year before it the reference, clustered by country, ${es.clusters} clusters): ${leads.length ? `leads ${leads.map((c) => `${c.eventYear}: ${signed(c.estimate)}`).join(', ')}` : 'no lead has rows'}; lags ${lags.length ? lags.map((c) => `${c.eventYear}: ${signed(c.estimate)}`).join(', ') : 'none'}.`,
      'f' in es.preTrend
        ? `The joint test that the leads are zero gives ${testWords(es.preTrend, es.clusters)}${es.preTrend.p < ALPHA ? ': dispersion was already moving before phones spread, so the lags are not effects' : ''}.`
        : `The leads cannot be tested jointly: ${es.preTrend.untestable}.`,
    );
  }
  const cs = st.callawaySantAnna;
  const stat = st.staticTwfe;
  if (!cs.identified || !cs.simple) out.push(`No Callaway-Sant'Anna estimate: ${cs.reason}.`);
  else {
    const se = cs.simple.se;
    out.push(
      `Callaway and Sant'Anna (not-yet-adopted controls, ${plural(cs.simple.cells, 'group-time comparison')}, ${plural(cs.cohorts.length, 'cohort')}): after adoption D changes by ${signed(cs.simple.estimate)} on average${se !== null && cs.simple.ci95 ? ` (clustered by country, ${cs.clusters} clusters: 95 % interval ${signed(cs.simple.ci95[0])} to ${signed(cs.simple.ci95[1])}${cs.clusters < FEW_COUNTRIES ? ', unreliable with this few clusters' : ''})` : ` (${cs.simple.seNote})`}.`,
    );
    if (stat.identified) {
      const differ =
        Math.sign(stat.estimate) !== Math.sign(cs.simple.estimate) ||
        Math.abs(stat.estimate - cs.simple.estimate) > 0.5 * Math.abs(cs.simple.estimate);
      out.push(
        `The static TWFE with one post-adoption indicator gives ${signed(stat.estimate)}${differ ? ': it differs from the robust estimate because it compares later adopters with countries already treated, whose effects are still changing (Goodman-Bacon 2021); the robust estimate is the one to read' : ', close to the robust estimate'}.`,
      );
    }
    if (cs.preTrend)
      out.push(
        'f' in cs.preTrend
          ? `Before adoption, the robust estimator's year-by-year differences test jointly at ${testWords(cs.preTrend, cs.clusters)}.`
          : `Its pre-adoption differences cannot be tested jointly: ${cs.preTrend.untestable}.`,
      );
  }
  return out;
}

// The caveats that hold for this design, whatever the numbers.
export function caveatSentences(e: CrossCountryEstimates): string[] {
  const out: string[] = [];
  const G = e.panel.countries.length;
  if (G < FEW_COUNTRIES)
    out.push(
      `Few clusters: the estimate rests on ${plural(G, 'country', 'countries')}; inference with fewer than ${FEW_COUNTRIES} clusters is fragile even with the wild bootstrap.`,
    );
  out.push(
    'Composition: D in a month is over the markets priced that month; markets that start or stop reporting move D without any price moving (each row of the panel CSV has its number of markets).',
    'Subscriptions are not coverage: they count lines sold per 100 people (one person may hold several SIMs), not the people or places within reach of a tower.',
    'Phones spread as incomes, roads and trade grew, at different times in different countries: month effects absorb what the countries share, not what each did at the time its phones spread.',
  );
  const countries = e.panel.leftOut.filter((l) => !l.series);
  if (countries.length)
    out.push(`Left out: ${listed(countries.map((l) => `${nameOf(l.country)} (${l.reason})`))}.`);
  const series = e.panel.leftOut.filter((l) => l.series);
  if (series.length)
    out.push(
      `${plural(series.length, 'series', 'series')} did not enter (fewer than ${e.panel.options.minMarkets} markets priced in ${e.panel.options.minMonths} months, or no month with a subscriptions value); each is listed with its reason in panel.leftOut.`,
    );
  const before = Object.entries(e.panel.rowsWithoutCoverage);
  if (before.length)
    out.push(
      `Months before a country's first subscriptions value have no coverage and are left out: ${listed(before.map(([c, n]) => `${plural(n, 'series-month')} of ${c}`))}.`,
    );
  return out;
}

export function crossCountryReport(
  e: CrossCountryEstimates,
  measure: 'meanAbsLogDiff' | 'cv',
): CrossCountryReport {
  const words =
    measure === 'cv'
      ? 'the coefficient of variation of prices across markets'
      : 'the mean log price gap between markets';
  const level = [...seriesLevelSentences(e, words), ...pairLevelSentences(e)];
  return {
    headline: level[0],
    sections: [
      { title: 'Across countries', sentences: level },
      { title: 'Which countries drive it', sentences: driversSentences(e) },
      { title: 'Staggered adoption', sentences: staggeredSentences(e) },
      { title: 'Within each country', sentences: perCountrySentences(e) },
      { title: 'Caveats', sentences: caveatSentences(e) },
    ].filter((s) => s.sentences.length),
  };
}
