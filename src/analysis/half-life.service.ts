import { Injectable } from '@nestjs/common';
import { Panel, PanelService } from './panel.service';
import { AnalysisCache } from './analysis-cache';
import { AnalysisWorkers } from './analysis-workers';
import { MIN_OBSERVATIONS } from './pairs';

export { ADF_MAX_LAG, Period } from './analysis-tasks';
import type { Period } from './analysis-tasks';

// Law-of-one-price half-lives for every market pair and period.
@Injectable()
export class HalfLifeService {
  constructor(
    private readonly panels: PanelService,
    private readonly cache: AnalysisCache,
    private readonly workers: AnalysisWorkers,
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
          periods: await this.workers.run('halfLives', points, periods, opts.adf ?? false),
        };
      },
    );
  }
}
