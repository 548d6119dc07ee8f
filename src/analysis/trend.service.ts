import { Injectable } from '@nestjs/common';
import { inRange, Panel } from './panel.service';
import { AnalysisCache } from './analysis-cache';
import { eventsOf } from './events';
import { DispersionMeasure } from './dispersion';
import { DispersionService } from './dispersion.service';
import { AnalysisWorkers } from './analysis-workers';
import { insufficient, MIN_OBSERVATIONS } from './pairs';

// Default break candidates: subscribers passed 2 million; the border closure.
export const DEFAULT_BREAK_DATES = eventsOf('PRK').breakCandidates;

// Sigma-convergence (the trend and breaks of a dispersion measure) and beta-convergence.
@Injectable()
export class TrendService {
  constructor(
    private readonly dispersion: DispersionService,
    private readonly cache: AnalysisCache,
    private readonly workers: AnalysisWorkers,
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
    p: Panel,
  ) {
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
      return { ...base, ...(await this.workers.run('sigmaTrend', dates, y, q.breakDates)) };
    });
  }

  async beta(q: { commodity: string; from?: string; to?: string; markets?: string[] }, p: Panel) {
    return this.cache.get(['beta', p.version, p.filter, q], async () => {
      const points = inRange((await p.data()).points, q.from, q.to);
      const markets = q.markets ?? [...new Set(points.map((p) => p.market))].sort();
      return {
        commodity: q.commodity,
        markets,
        ...(await this.workers.run('beta', points, markets)),
      };
    });
  }
}
