import { Injectable } from '@nestjs/common';
import { inRange, Panel } from './panel.service';
import { AnalysisCache } from './analysis-cache';
import { AnalysisWorkers } from './analysis-workers';
import { GRANGER_MAX_LAG, SIGNIFICANCE } from './network';
import { MIN_OBSERVATIONS } from './pairs';

@Injectable()
export class NetworkService {
  constructor(
    private readonly cache: AnalysisCache,
    private readonly workers: AnalysisWorkers,
  ) {}

  async network(
    q: { commodity: string; from?: string; to?: string; markets?: string[] },
    p: Panel,
  ) {
    return this.cache.get(['network', p.version, p.filter, q], async () => {
      const data = await p.data();
      const points = inRange(data.points, q.from, q.to);
      const coords = new Map(
        data.markets
          .filter((m) => m.latitude !== null && m.longitude !== null)
          .map((m) => [m.id, { latitude: m.latitude as number, longitude: m.longitude as number }]),
      );
      return {
        commodity: q.commodity,
        from: q.from ?? null,
        to: q.to ?? null,
        method: {
          grangerMaxLag: GRANGER_MAX_LAG,
          lagSelection: 'BIC',
          significance: SIGNIFICANCE,
          minimumObservations: MIN_OBSERVATIONS,
        },
        ...(await this.workers.run('network', points, coords)),
      };
    });
  }
}
