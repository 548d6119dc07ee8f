import { Injectable } from '@nestjs/common';
import { CoverageService } from '../coverage/coverage.service';
import { HalfLifeService, Period } from './half-life.service';
import { NetworkService } from './network.service';
import { Panel, PanelService } from './panel.service';
import { DEFAULT_COUNTRY, eventsOf } from './events';
import { PricesService } from '../prices/prices.service';
import {
  BORDER_CLOSURE,
  PairRegressionQuery,
  PairRegressionService,
  PLACEBO_COMMODITY,
} from './pair-regression.service';
import { Insufficient, pairSources, pairSourcesSentence } from './pairs';
import { PairRegressionResult } from './pair-regression';
import {
  BETA_CAVEAT,
  breaksSentence,
  chowSentence,
  halfLifeSentence,
  halfLifeTrendSentence,
  networkSentence,
  PairHalfLife,
  pIs,
  PLACEBO_PREMISE_CAVEAT,
  placeboSentence,
  regressionSentence,
  trendSentence,
} from './report-text';
import { SYNTHETIC_TOWER_SOURCE } from '../coverage/tower-coverage';
import { TrendService } from './trend.service';

const isResult = (r: PairRegressionResult | Insufficient): r is PairRegressionResult =>
  !('insufficientData' in r);

// The whole convergence test for one commodity in one report: sigma- and beta-convergence,
// half-lives before and after the candidate breaks, the pair regression on national and tower
// coverage with the USD placebo beside each, and the trade network; sentences from the numbers only.
@Injectable()
export class ConvergenceReportService {
  constructor(
    private readonly trend: TrendService,
    private readonly halfLives: HalfLifeService,
    private readonly regressions: PairRegressionService,
    private readonly network: NetworkService,
    private readonly coverage: CoverageService,
    private readonly panels: PanelService,
    private readonly prices: PricesService,
  ) {}

  // Each input is loaded once (the commodity's panel, the placebo's, the coverage version) and
  // handed to every estimator.
  // `opts.panel`: the commodity's series already resolved by the caller (country, unit, price type).
  async report(commodity: string, opts: { bootstrap?: number; panel?: Panel } = {}) {
    const country = opts.panel?.filter.country ?? DEFAULT_COUNTRY;
    const events = eventsOf(country);
    const breakDates = events.breakCandidates;
    const nationalSeries = await this.coverage.hasNationalSeries(country);
    const [panel, placebo, coverageVersion, towerSources] = await Promise.all([
      opts.panel ?? this.panels.load(commodity, { country }),
      this.panels.load(PLACEBO_COMMODITY, { country, markets: opts.panel?.filter.markets }),
      this.coverage.version(),
      this.coverage.towerSources(),
    ]);
    const points = (await panel.data()).points;
    const dates = [...new Set(points.map((p) => p.date))].sort();
    const markets = [...new Set(points.map((p) => p.market))].sort();
    const sources = [...new Set(points.map((p) => p.source))].sort();
    const first = dates[0];
    const last = dates[dates.length - 1];
    const periods: Period[] = [];
    if (first) {
      const cuts = breakDates.filter((d) => d > first && d <= last);
      let start = first;
      for (const c of cuts) {
        periods.push({
          from: start,
          to: new Date(Date.parse(`${c}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10),
        });
        start = c;
      }
      periods.push({ from: start, to: last });
    }
    const spec = (coverage: 'national' | 'towers', c = commodity): PairRegressionQuery => ({
      commodity: c,
      coverage,
      controls: events.borderClosure ? ['border', 'distance'] : ['distance'],
      fe: ['pair'],
      se: 'cluster',
      bootstrap: opts.bootstrap ?? 999,
      seed: 20100101,
      borderWindow: events.borderClosure ?? BORDER_CLOSURE,
    });
    const [
      sigma,
      sigmaLog,
      beta,
      lives,
      national,
      nationalPlacebo,
      towers,
      towersPlacebo,
      network,
    ] = await Promise.all([
      this.trend.trend({ commodity, measure: 'cv', breakDates }, panel),
      this.trend.trend({ commodity, measure: 'meanAbsLogDiff', breakDates }, panel),
      this.trend.beta({ commodity }, panel),
      this.halfLives.halfLives(commodity, periods, { adf: true }, panel),
      nationalSeries
        ? this.regressions.regression(spec('national'), panel, coverageVersion)
        : Promise.resolve(null),
      nationalSeries
        ? this.regressions.regression(spec('national', PLACEBO_COMMODITY), placebo, coverageVersion)
        : Promise.resolve(null),
      towerSources.length
        ? this.regressions.regression(spec('towers'), panel, coverageVersion)
        : Promise.resolve(null),
      towerSources.length
        ? this.regressions.regression(spec('towers', PLACEBO_COMMODITY), placebo, coverageVersion)
        : Promise.resolve(null),
      this.network.network({ commodity }, panel),
    ]);

    const pairsFed = pairSources(points);
    const credits = await this.prices.sourceCredits(sources);
    const summary: string[] = [];
    if (!points.length)
      summary.push(
        `No ${commodity} prices are stored: there is nothing to test, and every estimator below reports insufficient data.`,
      );
    else
      summary.push(
        `The test uses ${points.length} ${commodity} price observations in ${markets.length} markets (${markets.join(', ')}) on ${dates.length} survey dates from ${first ?? '-'} to ${last ?? '-'} (source: ${sources.join(', ') || 'none'}).`,
        pairSourcesSentence(pairsFed),
      );
    if ('mannKendall' in sigma)
      summary.push(trendSentence('coefficient of variation', sigma.mannKendall));
    else summary.push(sigma.message);
    const autocorrelated = 'mannKendall' in sigma && sigma.mannKendall.nOverNStar > 1;
    if ('baiPerron' in sigma)
      summary.push(
        breaksSentence('coefficient of variation', sigma.baiPerron) +
          (autocorrelated && sigma.baiPerron?.breakDates.length
            ? ' (BIC counts breaks as if the errors were independent; with autocorrelation it tends to find too many.)'
            : ''),
      );
    if ('chow' in sigma)
      for (const c of sigma.chow) if ('f' in c) summary.push(chowSentence(c, sigma.mannKendall));
    if ('beta' in beta) {
      summary.push(
        `Beta-convergence: a market ${beta.beta < 0 ? 'above' : 'below'} the cross-market mean log price moves ${beta.beta < 0 ? 'back towards' : 'away from'} it by the next survey (β = ${beta.beta.toFixed(3)}, standard error ${beta.betaSe.toFixed(3)}, ${pIs(beta.betaP)}); measurement error alone produces this (see the caveats).`,
      );
    } else summary.push(beta.message);
    const periodLives = lives.periods.map((p) => ({
      from: p.from,
      to: p.to,
      lives: p.pairs.filter((x): x is typeof x & PairHalfLife => 'rho' in x),
      insufficient: p.pairs.filter((x) => !('rho' in x)).length,
    }));
    for (const p of periodLives) summary.push(halfLifeSentence(p, p.lives, p.insufficient));
    const lifeTrend = halfLifeTrendSentence(periodLives);
    if (lifeTrend) summary.push(lifeTrend);
    const regressionText = (label: string, r: NonNullable<typeof national>, words: string) =>
      isResult(r.result)
        ? regressionSentence(label, r.result, words)
        : `${label}: ${r.result.message}.`;
    if (national)
      summary.push(
        regressionText(
          'National coverage',
          national,
          'one more mobile subscription per 100 people',
        ),
      );
    else
      summary.push(
        `National coverage: no mobile-subscription series is stored for ${country}, so the pair regression on national coverage is not run.`,
      );
    if (
      national &&
      nationalPlacebo &&
      isResult(national.result) &&
      isResult(nationalPlacebo.result)
    )
      summary.push(placeboSentence(commodity, national.result, nationalPlacebo.result));
    // synthetic towers are a demonstration, never a finding
    const syntheticTowers = towerSources.includes(SYNTHETIC_TOWER_SOURCE);
    if (towers && !syntheticTowers) {
      summary.push(
        regressionText(
          `Tower coverage (${towerSources.join(', ')})`,
          towers,
          'both markets being within reach of a tower',
        ),
      );
      if (isResult(towers.result) && towersPlacebo && isResult(towersPlacebo.result))
        summary.push(placeboSentence(commodity, towers.result, towersPlacebo.result));
    }
    const testsAdjusted = network.edges.filter((e) => 'aToB' in e.granger).length * 2;
    summary.push(networkSentence(network.nodes, network.edges, testsAdjusted));

    const pairsCount = (markets.length * (markets.length - 1)) / 2;
    const caveats = [
      `Only ${markets.length} markets and ${pairsCount} market pairs: clustered standard errors with ${pairsCount} clusters are unreliable, so the wild cluster bootstrap p-value (Webb weights) is the one to read, and even it has little power.`,
      'National coverage rises smoothly over time, so it moves with everything else that trends (the aftermath of the 2009 currency reform, market policy, sanctions); with pair fixed effects only, the coverage coefficient also carries any common trend in price gaps. The USD placebo is there to show whether it does.',
      PLACEBO_PREMISE_CAVEAT,
      BETA_CAVEAT,
      events.borderClosure
        ? `The border closure (${events.borderClosure.from} to ${events.borderClosure.to}) is a control; where the data do not reach it, it has no variation and is dropped.`
        : `No event window (such as a border closure) is known for ${country}: the pair regressions control for distance only, and no candidate break dates are tested.`,
      syntheticTowers
        ? 'The tower-coverage regression is not reported as a finding: the towers loaded include the SYNTHETIC sample (made-up sites for demonstration). Import a real registry and remove the sample to test tower coverage.'
        : towerSources.length
          ? `Tower coverage comes from ${towerSources.join(', ')}; OpenCelliD dates are when records were made, not when towers went up.`
          : 'No tower registry is loaded: only national coverage is used.',
    ];
    return {
      commodity,
      data: {
        observations: points.length,
        markets,
        sources,
        dates: dates.length,
        from: first ?? null,
        to: last ?? null,
        pairs: pairsFed,
        credits,
      },
      country,
      unit: panel.filter.unit ?? null,
      priceType: panel.filter.priceType ?? null,
      settings: `pair regressions with controls ${events.borderClosure ? 'border and ' : ''}distance × coverage, pair fixed effects, errors clustered by pair, a wild cluster bootstrap of ${opts.bootstrap ?? 999} replications (seed 20100101); half-lives per period split at ${breakDates.join(' and ') || 'no date (none known for the country)'}, with ADF; Chow tests at the same dates; Granger lags by BIC up to 4, Holm-adjusted.`,
      summary,
      caveats,
      syntheticTowers,
      sigmaConvergence: { cv: sigma, meanAbsLogDiff: sigmaLog },
      betaConvergence: beta,
      halfLives: lives,
      pairRegression: {
        national,
        towers,
        placebo: { national: nationalPlacebo, towers: towersPlacebo },
      },
      network,
    };
  }
}

export type ConvergenceReport = Awaited<ReturnType<ConvergenceReportService['report']>>;
