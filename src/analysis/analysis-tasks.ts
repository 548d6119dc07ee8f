import { crossCountryAnalysis } from './cross-country/cross-country-analysis';
import { PricePoint } from './dispersion';
import { tradeNetwork } from './network';
import { pairRegression } from './pair-regression';
import { placeboDifference } from './placebo-difference';
import { balancedLogPanel, dayOf, insufficient, MIN_OBSERVATIONS, pairSeries } from './pairs';
import { betaConvergence } from './stats/beta-convergence';
import {
  baiPerron,
  chowTest,
  chowTestHac,
  TREND_BREAK_MIN_SIDE,
  trendBreakHac,
} from './stats/breaks';
import { adf, halfLife } from './stats/time-series';
import { mannKendall } from './stats/trend';

// The estimators' number crunching, as pure functions of plain data: what runs in the analysis
// worker threads (analysis.worker.ts), away from the event loop that answers every other request.
// Arguments and results cross the thread boundary by structured clone (plain objects, arrays,
// Maps, numbers including NaN and Infinity).

export interface Period {
  from: string;
  to: string;
}

export const ADF_MAX_LAG = 4;

// Law-of-one-price half-lives of every market pair in each period (with an ADF test if asked).
// The median gap in days between consecutive survey dates of a period (null under two dates).
export function medianIntervalDays(points: PricePoint[], period: Period): number | null {
  const days = [
    ...new Set(
      points.filter((p) => p.date >= period.from && p.date <= period.to).map((p) => p.date),
    ),
  ]
    .sort()
    .map(dayOf);
  if (days.length < 2) return null;
  const gaps = days
    .slice(1)
    .map((d, i) => d - days[i])
    .sort((a, b) => a - b);
  const m = Math.floor(gaps.length / 2);
  return gaps.length % 2 ? gaps[m] : (gaps[m - 1] + gaps[m]) / 2;
}

function halfLives(points: PricePoint[], periods: Period[], withAdf: boolean) {
  return periods.map((period) => ({
    ...period,
    medianIntervalDays: medianIntervalDays(points, period),
    pairs: pairSeries(points, period.from, period.to).map((p) => {
      const base = { a: p.a, b: p.b, observations: p.dates.length };
      if (p.dates.length < MIN_OBSERVATIONS)
        return { ...base, ...insufficient('an AR(1) half-life', p.dates.length) };
      return {
        ...base,
        firstDate: p.dates[0],
        lastDate: p.dates[p.dates.length - 1],
        ...halfLife(p.q, p.days),
        adf: withAdf ? adf(p.q, ADF_MAX_LAG) : undefined,
      };
    }),
  }));
}

// Sigma-convergence of one dispersion series: the Mann-Kendall trend, a Chow test (classical and
// HAC) at each candidate break date, and Bai-Perron breaks. At least MIN_OBSERVATIONS values.
function sigmaTrend(dates: string[], y: number[], breakDates: string[]) {
  const years = dates.map((d) => dayOf(d) / 365.25);
  const mk = mannKendall(y, years)!;
  // a break in the trend (a trending series rejects a mean shift almost anywhere)
  const trendBreaks = breakDates.map((date) => {
    const r = trendBreakHac(y, years, dayOf(date) / 365.25);
    const point = dates.filter((d) => d < date).length;
    return r
      ? { date, ...r }
      : {
          date,
          ...insufficient(
            `a trend break at ${date} (observations before / after: ${point} / ${y.length - point})`,
            Math.min(point, y.length - point),
            Math.max(TREND_BREAK_MIN_SIDE, Math.ceil(0.15 * y.length)),
          ),
        };
  });
  const chow = breakDates.map((date) => {
    const point = dates.filter((d) => d < date).length;
    const r = chowTest(y, point);
    // the classical F assumes independent errors; the HAC version does not
    return r
      ? { date, ...r, hac: chowTestHac(y, point)! }
      : {
          date,
          ...insufficient(
            `a Chow test at ${date} (observations before / after: ${point} / ${y.length - point})`,
            Math.min(point, y.length - point),
            2,
          ),
        };
  });
  const bp = baiPerron(y);
  return {
    mannKendall: mk,
    chow,
    trendBreaks,
    baiPerron: bp && {
      trim: 0.15,
      minimumSegment: bp.h,
      breakDates: bp.breaks.map((i) => dates[i - 1]),
      regimes: [0, ...bp.breaks].map((start, i) => ({
        from: dates[start],
        to: dates[(bp.breaks[i] ?? y.length) - 1],
        mean: bp.means[i],
      })),
      bic: bp.bic,
    },
  };
}

// Beta-convergence on the dates where every market was observed.
function beta(points: PricePoint[], markets: string[]) {
  const panel = balancedLogPanel(points, markets);
  const dates = panel.dates.length;
  if (dates < MIN_OBSERVATIONS)
    return {
      dates,
      ...insufficient('beta-convergence (dates with every market observed)', dates),
    };
  return { dates, ...betaConvergence(panel.logPrices)! };
}

function network(
  points: PricePoint[],
  coordinates: Map<string, { latitude: number; longitude: number }>,
) {
  return tradeNetwork(points, pairSeries(points), coordinates);
}

export const ANALYSIS_TASKS = {
  crossCountry: crossCountryAnalysis,
  halfLives,
  sigmaTrend,
  beta,
  network,
  pairRegression,
  placeboDifference,
};
export type AnalysisTasks = typeof ANALYSIS_TASKS;
export type AnalysisTaskName = keyof AnalysisTasks;
export interface AnalysisTask<K extends AnalysisTaskName = AnalysisTaskName> {
  name: K;
  args: Parameters<AnalysisTasks[K]>;
}

export function runAnalysisTask<K extends AnalysisTaskName>(
  task: AnalysisTask<K>,
): ReturnType<AnalysisTasks[K]> {
  const fn = ANALYSIS_TASKS[task.name] as (...args: unknown[]) => ReturnType<AnalysisTasks[K]>;
  return fn(...(task.args as unknown[]));
}
