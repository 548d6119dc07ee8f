import { Injectable } from '@nestjs/common';
import { Panel } from './panel.service';
import { AnalysisCache } from './analysis-cache';
import { AnalysisWorkers } from './analysis-workers';
import { MIN_OBSERVATIONS } from './pairs';

export { ADF_MAX_LAG, Period } from './analysis-tasks';
import type { Period } from './analysis-tasks';

// Law-of-one-price half-lives for every market pair and period.
@Injectable()
export class HalfLifeService {
  constructor(
    private readonly cache: AnalysisCache,
    private readonly workers: AnalysisWorkers,
  ) {}

  async halfLives(
    commodity: string,
    periods: Period[],
    opts: { markets?: string[]; source?: string; adf?: boolean },
    p: Panel,
  ) {
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
