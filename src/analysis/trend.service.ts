import { Injectable } from '@nestjs/common';
import { inRange, Panel, PanelService } from './panel.service';
import { AnalysisCache } from './analysis-cache';
import { COUNTRY_EVENTS } from './events';
import { DispersionMeasure } from './dispersion';
import { DispersionService } from './dispersion.service';
import { balancedLogPanel, dayOf, insufficient, MIN_OBSERVATIONS } from './pairs';
import { betaConvergence } from './stats/beta-convergence';
import { baiPerron, chowTest, chowTestHac } from './stats/breaks';
import { mannKendall } from './stats/trend';

// Default break candidates: subscribers passed 2 million; the border closure.
export const DEFAULT_BREAK_DATES = COUNTRY_EVENTS.PRK.breakCandidates;

// Sigma-convergence (the trend and breaks of a dispersion measure) and beta-convergence.
@Injectable()
export class TrendService {
  constructor(
    private readonly dispersion: DispersionService,
    private readonly panels: PanelService,
    private readonly cache: AnalysisCache,
  ) {}

  async trend(
    q: {
      commodity: string;
      measure: DispersionMeasure;
      from?: string;
      to?: string;
      markets?: string[];
      breakDates: string[];
      balanced?: boolean;
    },
    panel?: Panel,
  ) {
    const p = panel ?? (await this.panels.load(q.commodity, { markets: q.markets }));
    return this.cache.get(['trend', p.version, p.filter, q], async () => {
      const report = await this.dispersion.dispersion(
        {
          commodity: q.commodity,
          markets: q.markets,
          from: q.from,
          to: q.to,
          balanced: q.balanced,
        },
        p,
      );
      const dates = report.series.map((d) => d.date);
      const y = report.series.map((d) => d[q.measure]);
      const base = {
        commodity: q.commodity,
        measure: q.measure,
        markets: report.markets,
        balanced: q.balanced ?? false,
        observations: y.length,
        firstDate: dates[0] ?? null,
        lastDate: dates[dates.length - 1] ?? null,
      };
      if (y.length < MIN_OBSERVATIONS)
        return { ...base, ...insufficient(`the trend of ${q.measure}`, y.length) };
      const mk = mannKendall(
        y,
        dates.map((d) => dayOf(d) / 365.25),
      )!;
      const chow = q.breakDates.map((date) => {
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
        ...base,
        mannKendall: mk,
        chow,
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
    });
  }

  async beta(
    q: { commodity: string; from?: string; to?: string; markets?: string[] },
    panel?: Panel,
  ) {
    const p = panel ?? (await this.panels.load(q.commodity, { markets: q.markets }));
    return this.cache.get(['beta', p.version, p.filter, q], async () => {
      const points = inRange((await p.data()).points, q.from, q.to);
      const markets = q.markets ?? [...new Set(points.map((p) => p.market))].sort();
      const panel = balancedLogPanel(points, markets);
      const base = { commodity: q.commodity, markets, dates: panel.dates.length };
      if (panel.dates.length < MIN_OBSERVATIONS)
        return {
          ...base,
          ...insufficient(
            'beta-convergence (dates with every market observed)',
            panel.dates.length,
          ),
        };
      return { ...base, ...betaConvergence(panel.logPrices)! };
    });
  }
}
