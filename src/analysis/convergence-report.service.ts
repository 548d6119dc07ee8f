import { Injectable } from '@nestjs/common';
import { HalfLifeService, Period } from './half-life.service';
import { NetworkService } from './network.service';
import { Panel } from './panel.service';
import {
  BORDER_CLOSURE,
  PairRegressionQuery,
  PairRegressionService,
} from './pair-regression.service';
import { pairSources } from './pairs';
import { ReportInputs, ReportInputsLoader } from './report-inputs';
import { writeReport } from './report-sections';
import { SYNTHETIC_TOWER_SOURCE } from '../coverage/tower-coverage';
import { TrendService } from './trend.service';

export const REPORT_SEED = 20100101;

// The report's periods: the sample cut at each candidate break date inside it.
export function periodsOf(dates: string[], breakDates: string[]): Period[] {
  const first = dates[0];
  const last = dates[dates.length - 1];
  if (!first) return [];
  const periods: Period[] = [];
  let start = first;
  for (const c of breakDates.filter((d) => d > first && d <= last)) {
    const dayBefore = new Date(Date.parse(`${c}T00:00:00Z`) - 86_400_000).toISOString();
    periods.push({ from: start, to: dayBefore.slice(0, 10) });
    start = c;
  }
  periods.push({ from: start, to: last });
  return periods;
}

// The designs the report runs. National coverage with pair fixed effects (a time trend, said so
// first); tower coverage with pair and date fixed effects (identified by pairs that switch); each
// with the placebo series' same regression and the difference of the two in one stacked model.
const designs = (inputs: ReportInputs, bootstrap: number) => {
  const border = inputs.profile.borderClosure;
  const base = {
    commodity: inputs.commodity,
    se: 'cluster' as const,
    bootstrap,
    seed: REPORT_SEED,
    borderWindow: border ? { from: border.from, to: border.to } : BORDER_CLOSURE,
  };
  const national: PairRegressionQuery = {
    ...base,
    coverage: 'national',
    controls: border ? ['border'] : [],
    fe: ['pair'],
  };
  // date effects absorb the border window, and everything else common to a date
  const towers: PairRegressionQuery = {
    ...base,
    coverage: 'towers',
    controls: [],
    fe: ['pair', 'date'],
  };
  return { national, towers };
};

// The whole convergence test for one series: it loads its inputs once (ReportInputsLoader), runs
// each estimator on them, and hands the results to the sentence writers (report-sections.ts).
@Injectable()
export class ConvergenceReportService {
  constructor(
    private readonly inputs: ReportInputsLoader,
    private readonly trend: TrendService,
    private readonly halfLives: HalfLifeService,
    private readonly regressions: PairRegressionService,
    private readonly network: NetworkService,
  ) {}

  // `given`: the series resolved by the caller (country, unit, price type, period).
  async report(given: Panel, opts: { bootstrap?: number } = {}) {
    const commodity = given.commodity;
    const inputs = await this.inputs.load(given);
    const bootstrap = opts.bootstrap ?? 999;
    const { panel, profile } = inputs;
    const breakDates = profile.breaks.map((b) => b.date);
    const dates = [...new Set(inputs.points.map((p) => p.date))].sort();
    const spec = designs(inputs, bootstrap);
    const placebo = 'panel' in inputs.placebo ? inputs.placebo.panel : null;
    const cv = inputs.coverageVersion;
    const runNational = inputs.nationalSeries;
    const runTowers = inputs.towerSources.length > 0;
    const regression = (q: PairRegressionQuery, p: Panel | null, run: boolean) =>
      run && p ? this.regressions.regression({ ...q, commodity: p.commodity }, p, cv) : null;
    const difference = (q: PairRegressionQuery, run: boolean) =>
      run && placebo ? this.regressions.placeboDifference(q, panel, placebo, cv) : null;
    const [sigma, sigmaLog, beta, lives, national, nationalPlacebo, nationalDifference] =
      await Promise.all([
        this.trend.trend({ commodity, measure: 'cv', breakDates }, panel),
        this.trend.trend({ commodity, measure: 'meanAbsLogDiff', breakDates }, panel),
        this.trend.beta({ commodity }, panel),
        this.halfLives.halfLives(commodity, periodsOf(dates, breakDates), { adf: true }, panel),
        regression(spec.national, panel, runNational),
        regression(spec.national, placebo, runNational),
        difference(spec.national, runNational),
      ]);
    const [towers, towersPlacebo, towersDifference, network] = await Promise.all([
      regression(spec.towers, panel, runTowers),
      regression(spec.towers, placebo, runTowers),
      difference(spec.towers, runTowers),
      this.network.network({ commodity }, panel),
    ]);
    const syntheticTowers = inputs.towerSources.includes(SYNTHETIC_TOWER_SOURCE);
    const pairsFed = pairSources(inputs.points);
    const estimates = {
      sigmaConvergence: { cv: sigma, meanAbsLogDiff: sigmaLog },
      betaConvergence: beta,
      halfLives: lives,
      pairRegression: {
        national,
        towers,
        placebo: { national: nationalPlacebo, towers: towersPlacebo },
        placeboDifference: { national: nationalDifference, towers: towersDifference },
      },
      network,
    };
    const text = writeReport(inputs, estimates, { dates, pairsFed, syntheticTowers });
    return {
      commodity,
      data: {
        observations: inputs.points.length,
        markets: [...inputs.names.keys()].sort(),
        marketNames: Object.fromEntries(inputs.names),
        sources: [...new Set(inputs.points.map((p) => p.source))].sort(),
        dates: dates.length,
        from: dates[0] ?? null,
        to: dates[dates.length - 1] ?? null,
        pairs: pairsFed,
        credits: inputs.credits,
      },
      country: inputs.country,
      unit: inputs.unit,
      priceType: inputs.priceType,
      currency: inputs.currency,
      unitLabel: inputs.unitLabel,
      period: { from: inputs.from, to: inputs.to },
      placeboSeries: 'panel' in inputs.placebo ? inputs.placebo.commodity : null,
      settings: text.settings,
      summary: text.summary,
      caveats: text.caveats,
      testsReported: text.testsReported,
      syntheticTowers,
      ...estimates,
    };
  }
}

export type ConvergenceReport = Awaited<ReturnType<ConvergenceReportService['report']>>;
