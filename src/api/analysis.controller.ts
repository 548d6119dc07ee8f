import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConvergenceReportService } from '../analysis/convergence-report.service';
import { DispersionReport, DispersionService } from '../analysis/dispersion.service';
import { HalfLifeService } from '../analysis/half-life.service';
import { NetworkService } from '../analysis/network.service';
import { BORDER_CLOSURE, PairRegressionService } from '../analysis/pair-regression.service';
import { MIN_OBSERVATIONS } from '../analysis/pairs';
import { DEFAULT_COUNTRY, eventsOf, profileOf } from '../analysis/events';
import { CoverageService } from '../coverage/coverage.service';
import { Panel, PanelRequest, PanelService } from '../analysis/panel.service';
import { DEFAULT_BREAK_DATES, TrendService } from '../analysis/trend.service';
import { isCalendarDate } from '../common/dates';
import {
  BetaQueryDto,
  ConvergenceQueryDto,
  HalfLivesQueryDto,
  NetworkQueryDto,
  PairRegressionQueryDto,
  parsePeriods,
  TrendQueryDto,
} from './dto/analysis-query.dto';
import { ReferenceIdsService } from '../prices/reference-ids.service';
import { DispersionQueryDto } from './dto/dispersion-query.dto';
import {
  BetaReportDto,
  ConvergenceReportDto,
  DispersionReportDto,
  HalfLivesReportDto,
  NetworkReportDto,
  PairRegressionReportDto,
  TrendReportDto,
} from './dto/responses/analysis.responses';

@ApiTags('analysis')
@Controller('analysis')
export class AnalysisController {
  constructor(
    private readonly dispersion: DispersionService,
    private readonly ids: ReferenceIdsService,
    private readonly halfLives: HalfLifeService,
    private readonly trends: TrendService,
    private readonly regressions: PairRegressionService,
    private readonly networks: NetworkService,
    private readonly reports: ConvergenceReportService,
    private readonly panels: PanelService,
    private readonly coverage: CoverageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // The request's series, checked and loaded once (PanelService.forRequest, shared with the CLI).
  private panelFor(q: PanelRequest, pairAnalysis = false): Promise<Panel> {
    return this.panels.forRequest(q, pairAnalysis ? this.config.analysisMaxPairs : undefined);
  }

  @Get('dispersion')
  @ApiOperation({
    summary: 'Cross-market price dispersion per survey date (sigma-convergence)',
    description: [
      'For every survey date on which at least two of the markets were observed (with balanced=true: all of them), over the prices p_1..p_n of that date:',
      '- n: number of markets observed;',
      '- mean: arithmetic mean Σp/n (current KPW);',
      '- cv: coefficient of variation with the population standard deviation, σ/mean, σ = sqrt(Σ(p-mean)²/n);',
      '- cvSample: the same with the sample standard deviation s = sqrt(Σ(p-mean)²/(n-1));',
      '- sdLog: population standard deviation of ln p;',
      '- maxMinRatio: max p / min p;',
      '- meanAbsLogDiff: mean over the n(n-1)/2 market pairs of |ln p_i - ln p_j|.',
      "byYear: the mean of each measure over that calendar year's survey dates (each date weighs the same), with the number of dates.",
      'Where two sources publish the same market and date, the preferred source is used (see sources in the answer); pass source= to fix one.',
      'Composition caveat: with balanced=false a date with two markets and one with three are not strictly comparable.',
    ].join('\n'),
  })
  @ApiOkResponse({ type: DispersionReportDto })
  async getDispersion(@Query() q: DispersionQueryDto): Promise<DispersionReport> {
    await this.ids.assertKnown('source', 'source', q.source ? [q.source] : undefined);
    const panel = await this.panelFor(q);
    return this.dispersion.dispersion(
      {
        commodity: q.commodity,
        markets: q.markets,
        from: q.from,
        to: q.to,
        source: q.source,
        balanced: q.balanced,
      },
      panel,
    );
  }

  @Get('half-lives')
  @ApiOperation({
    summary: 'Law of one price: half-lives of price differentials for every market pair and period',
    description: [
      'For each pair (i, j) and period: q_t = ln p_it − ln p_jt on the dates where both were observed; AR(1) by OLS over consecutive observations, q_t = c + ρ q_{t−1} + e_t.',
      'Reported: n (regression observations), c, ρ, its classical standard error, the half-life ln(0.5)/ln(ρ) in survey intervals (null when ρ is outside (0, 1): no mean reversion to speak of, or oscillation), the median interval between the dates in days, the half-life in days (intervals × median days; null when under one survey interval, which the surveys cannot resolve), and underOneInterval (ρ < 0.5).',
      `adf=true adds the augmented Dickey-Fuller τ of q with a drift, lags chosen by AIC up to 4 (as urca::ur.df), with MacKinnon (2010) critical values. A pair with fewer than ${MIN_OBSERVATIONS} common dates gets insufficientData with its count, never a number.`,
    ].join('\n'),
  })
  @ApiOkResponse({ type: HalfLivesReportDto })
  async getHalfLives(@Query() q: HalfLivesQueryDto) {
    const panel = await this.panelFor(q, true);
    const periods = q.periods
      ? parsePeriods(q.periods)
      : [{ from: '1900-01-01', to: '2999-12-31' }];
    for (const p of periods) {
      for (const d of [p.from, p.to]) {
        const [y, m, dd] = d.split('-').map(Number);
        if (!isCalendarDate(y, m, dd))
          throw new BadRequestException(`periods: ${d} is not a calendar date`);
      }
      if (p.from > p.to)
        throw new BadRequestException(`periods: ${p.from}..${p.to} ends before it starts`);
    }
    return this.halfLives.halfLives(
      q.commodity,
      periods,
      { markets: q.markets, adf: q.adf },
      panel,
    );
  }

  @Get('trend')
  @ApiOperation({
    summary: 'Sigma-convergence: the trend and breaks of a dispersion measure',
    description: [
      'The dispersion series of /api/analysis/dispersion (measure: cv by default).',
      "mannKendall: S = Σ_{i<j} sign(x_j − x_i), Var(S) with the ties correction, multiplied by n/n* (Hamed and Rao 1998: the series detrended by Sen's slope, the lag-k autocorrelations of its ranks significant at 5 % enter n/n* = 1 + 2/(n(n−1)(n−2)) Σ (n−k)(n−k−1)(n−k−2) r_k); z = (S − sign S)/√Var*, two-sided normal p; Sen's slope = median of pairwise slopes, per survey step and per year.",
      `chow: for each break date (default ${DEFAULT_BREAK_DATES.join(', ')}), F test of a shift in the mean at that date, F = ((RSS − RSS₁ − RSS₂)/1)/((RSS₁ + RSS₂)/(n − 2)), which assumes independent errors; hac: the same shift with Newey-West (HAC, Bartlett, lag floor(4 (n/100)^(2/9))) standard errors, t with n − 2 df (read it when mannKendall.nOverNStar > 1, i.e. the series is autocorrelated).`,
      'trendBreaks: at each break date, a break in the trend (segmented trend y = a + b·t + c·D + d·(t − t0)·D, t in years), d tested with Newey-West errors (same lag), t with n − 4 df; at least 8 observations and 15 % of the sample on each side, otherwise insufficientData. Read this rather than chow on a trending series, which rejects a mean shift almost anywhere.',
      'baiPerron: multiple level shifts by dynamic programming (minimum segment 15 % of the sample), the number of breaks by BIC (as strucchange::breakpoints), with the regimes and their means.',
      `Fewer than ${MIN_OBSERVATIONS} dates: insufficientData.`,
    ].join('\n'),
  })
  @ApiOkResponse({ type: TrendReportDto })
  async getTrend(@Query() q: TrendQueryDto) {
    const panel = await this.panelFor(q);
    for (const d of q.breaks ?? []) {
      const [y, m, dd] = d.split('-').map(Number);
      if (!isCalendarDate(y, m, dd))
        throw new BadRequestException(`breaks: ${d} is not a calendar date`);
    }
    return this.trends.trend(
      {
        commodity: q.commodity,
        measure: q.measure ?? 'cv',
        from: q.from,
        to: q.to,
        markets: q.markets,
        breakDates: q.breaks ?? eventsOf(panel.filter.country ?? DEFAULT_COUNTRY).breakCandidates,
        balanced: q.balanced,
      },
      panel,
    );
  }

  @Get('beta')
  @ApiOperation({
    summary: 'Beta-convergence',
    description: `On the dates where every market was observed, with p = ln price: Δp_{i,t+1} = α + β (p_it − mean_i p_it) + e, pooled OLS with classical standard errors (betaSe, betaP) and errors clustered by date (betaSeClustered, betaPClustered, clusters: the deviations sum to zero on each date, so read these; G/(G−1)·(N−1)/(N−K), t with G − 1 df); β < 0 means markets above the mean fall back towards it. Fewer than ${MIN_OBSERVATIONS} such dates: insufficientData.`,
  })
  @ApiOkResponse({ type: BetaReportDto })
  async getBeta(@Query() q: BetaQueryDto) {
    const panel = await this.panelFor(q);
    return this.trends.beta(
      { commodity: q.commodity, from: q.from, to: q.to, markets: q.markets },
      panel,
    );
  }

  @Get('pair-regression')
  @ApiOperation({
    summary:
      'Market-pair panel regression of price gaps on mobile coverage (Aker 2010, Jensen 2007)',
    description: [
      'y_ijt = |ln p_it − ln p_jt| for every pair of markets observed on the same date; regressors: coverage (national: ITU subscriptions per 100 at the date, interpolated; towers: 1 from the date both markets are within reach of a tower), optional border (1 from 2020-01-22 to 2023-08-31) and distance (great-circle km/100 × coverage).',
      'Fixed effects: pair always, by the within transformation (group demeaning, no dummy columns); month (of year) and date by alternating projections. A regressor with no variation left within the fixed effects is dropped with the reason.',
      'Standard errors: cluster (by pair; factor G/(G−1)·(N−1)/(N−K); t with G−1 df) or driscoll-kraay (Bartlett kernel, floor(T^(1/4)) lags). bootstrap=B adds a wild cluster bootstrap-t p-value for the coverage coefficient with the null imposed: Webb six-point weights when there are fewer than 12 pairs, Rademacher otherwise; all weight vectors when there are at most B of them (exact), else B draws from the seed. bootstrap.ci95: the 95 % wild-bootstrap interval by test inversion (the coverage coefficients β0 the bootstrap test with β = β0 imposed does not reject at 5 %; each bound by bisection from the estimate; a null bound is unbounded); computed while replications × pairs is at most 5,000, otherwise null with ci95Note saying why. coefficients[].ci95: estimate ± t(0.975, dfForTests) · se.',
      "With distance in the controls the coverage coefficient is the effect at zero distance; coverageEffectByDistance gives β + δ·d/100 with its standard error and p (same covariance and df) at the mean pair distance and at each pair's distance.",
      `Fewer than ${MIN_OBSERVATIONS} pair-dates or 2 pairs: insufficientData. A design that cannot identify the coverage coefficient (no variation within the fixed effects, e.g. national coverage with date effects; fewer than 2 pairs in which coverage varies; collinear regressors, condition number above 1e10; an s.e. below 1e-10 of its coefficient): notIdentified with the reason, and no coefficient. Every fit carries design: the pairs that switch coverage (and when, for 0/1 coverage), coverage on the first and last date, and the mean gap.`,
      "placebo: the same specification on the country's placebo series (North Korea: the USD exchange rate, which costs nothing to ship; per country in data/reference/country-report-profiles.json) over the same markets, dates, coverage, controls, effects and errors: an effect there means the coverage measure picks up something common to all prices. null when the country has no placebo series or the commodity is the placebo itself.",
    ].join('\n'),
  })
  @ApiOkResponse({ type: PairRegressionReportDto })
  async getPairRegression(@Query() q: PairRegressionQueryDto) {
    const panel = await this.panelFor(q, true);
    const country = panel.filter.country ?? DEFAULT_COUNTRY;
    const border = eventsOf(country).borderClosure;
    if (
      (q.coverage ?? 'national') === 'national' &&
      !(await this.coverage.hasNationalSeries(country))
    )
      throw new BadRequestException(
        `coverage: no national mobile-subscription series is stored for ${country}; import one (npm run cli -- import subscriptions <file>) or use coverage=towers with a tower registry`,
      );
    if (q.controls?.includes('border') && !border)
      throw new BadRequestException(
        `controls: border is a border-closure window, and none is known for ${country} (only North Korea's, PRK, is)`,
      );
    const fe = q.fe ? [...new Set(['pair' as const, ...q.fe])] : ['pair' as const];
    const spec = {
      from: q.from,
      to: q.to,
      markets: q.markets,
      coverage: q.coverage ?? 'national',
      controls: q.controls ?? [],
      fe,
      se: q.se ?? 'cluster',
      bootstrap: q.bootstrap ?? 999,
      seed: q.seed ?? 20100101,
      borderWindow: border ?? BORDER_CLOSURE,
    };
    const main = await this.regressions.regression({ commodity: q.commodity, ...spec }, panel);
    // the same specification on the dollar rate, a good that costs nothing to ship
    // the same specification on the country's placebo series, never on the commodity itself
    const placeboCommodity = profileOf(country).placebo?.commodity;
    const placebo =
      !placeboCommodity || q.commodity === placeboCommodity
        ? null
        : await this.regressions.regression(
            { commodity: placeboCommodity, ...spec },
            await this.panels.load(placeboCommodity, { country, markets: q.markets }),
          );
    return { ...main, placebo };
  }

  @Get('network')
  @ApiOperation({
    summary: 'The trade network: integration and leadership between markets',
    description: `For each pair: observations, great-circle distance (gazetteer), the sample correlation of Δ ln p between consecutive common dates, the AR(1) half-life of the log differential, and Granger causality in both directions on Δ ln p (F test; lags 1..4 chosen by BIC on a common sample). granger.*.pHolm: the p-value Holm-adjusted over every pair and direction of the network. leader: the market whose past changes predict the other's (Holm-adjusted p < 0.05) while the reverse does not: its changes precede the other's, which is prediction, not cause. Per market: leads and ledBy counts. Fewer than ${MIN_OBSERVATIONS} common dates: insufficientData.`,
  })
  @ApiOkResponse({ type: NetworkReportDto })
  async getNetwork(@Query() q: NetworkQueryDto) {
    const panel = await this.panelFor(q, true);
    return this.networks.network(
      { commodity: q.commodity, from: q.from, to: q.to, markets: q.markets },
      panel,
    );
  }

  @Get('convergence')
  @ApiOperation({
    summary: 'The whole convergence test in one report, with its design checks and placebo',
    description: [
      "One series (country, unit, price type; from and to select a period). sigma-convergence (Mann-Kendall, Bai-Perron, and a break in the trend at each of the country's candidate dates: segmented trend, Newey-West), beta-convergence (errors clustered by date), half-lives per period split at those dates (ADF; days at the period's median interval; a change between the first and last period tested per pair, Holm), the pair regression on national coverage (pair fixed effects, the border control where the country has one) and, when a registry is loaded, on tower coverage (pair and date fixed effects), each clustered by pair with the wild cluster bootstrap, each beside the same regression on the country's placebo series, and the placebo difference tested in one stacked regression (pairRegression.placeboDifference), and the trade network.",
      'A regression whose design cannot identify the coverage coefficient (no variation within the fixed effects, fewer than 2 clusters in which coverage varies, collinear regressors, an s.e. below 1e-10 of its coefficient) answers notIdentified with the reason and no number.',
      'The placebo series, border window, candidate dates with reasons and country caveats come from data/reference/country-report-profiles.json (North Korea: the USD rate); without a profile those parts are left out and the summary says so. A series is never its own placebo.',
      'summary: sentences written from the computed statistics only (national coverage with pair effects is called a time trend first; "significant" only by the wild cluster bootstrap; a clustered p with fewer than 30 clusters is called unreliable), ending with the number of tests shown (testsReported); caveats: what limits the reading. An empty selection is one sentence.',
    ].join('\n'),
  })
  @ApiOkResponse({ type: ConvergenceReportDto })
  async getConvergence(@Query() q: ConvergenceQueryDto) {
    const panel = await this.panelFor(q, true);
    return this.reports.report(panel, { bootstrap: q.bootstrap });
  }
}
