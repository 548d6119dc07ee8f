import { Injectable } from '@nestjs/common';
import { Panel, PanelService } from './panel.service';
import { AnalysisCache } from './analysis-cache';
import { insufficient, MIN_OBSERVATIONS, pairSeries } from './pairs';
import { adf } from './stats/time-series';
import { halfLife } from './stats/time-series';

export interface Period {
  from: string;
  to: string;
}

export const ADF_MAX_LAG = 4;

// Law-of-one-price half-lives for every market pair and period.
@Injectable()
export class HalfLifeService {
  constructor(
    private readonly panels: PanelService,
    private readonly cache: AnalysisCache,
  ) {}

  async halfLives(
    commodity: string,
    periods: Period[],
    opts: { markets?: string[]; source?: string; adf?: boolean },
    panel?: Panel,
  ) {
    const p =
      panel ?? (await this.panels.load(commodity, { markets: opts.markets, source: opts.source }));
    return this.cache.get(
      ['half-lives', p.version, p.filter, commodity, periods, opts],
      async () => {
        const { points } = await p.data();
        return {
          commodity,
          minimumObservations: MIN_OBSERVATIONS,
          periods: periods.map((period) => ({
            ...period,
            pairs: pairSeries(points, period.from, period.to).map((p) => {
              const base = { a: p.a, b: p.b, observations: p.dates.length };
              if (p.dates.length < MIN_OBSERVATIONS)
                return { ...base, ...insufficient('an AR(1) half-life', p.dates.length) };
              return {
                ...base,
                firstDate: p.dates[0],
                lastDate: p.dates[p.dates.length - 1],
                ...halfLife(p.q, p.days),
                adf: opts.adf ? adf(p.q, ADF_MAX_LAG) : undefined,
              };
            }),
          })),
        };
      },
    );
  }
}
