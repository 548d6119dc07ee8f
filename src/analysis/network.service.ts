import { Injectable } from '@nestjs/common';
import { PricesService } from '../prices/prices.service';
import { AnalysisCache } from './analysis-cache';
import { GRANGER_MAX_LAG, SIGNIFICANCE, tradeNetwork } from './network';
import { MIN_OBSERVATIONS, pairSeries } from './pairs';

@Injectable()
export class NetworkService {
  constructor(
    private readonly prices: PricesService,
    private readonly cache: AnalysisCache,
  ) {}

  async network(q: { commodity: string; from?: string; to?: string; markets?: string[] }) {
    const version = await this.prices.dataVersion(q.commodity);
    return this.cache.get(['network', version, q], async () => {
      const [points, markets] = await Promise.all([
        this.prices.series(q.commodity, { markets: q.markets }),
        this.prices.listMarkets(),
      ]);
      const inRange = points.filter(
        (p) => (!q.from || p.date >= q.from) && (!q.to || p.date <= q.to),
      );
      const coords = new Map(
        markets
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
        ...tradeNetwork(inRange, pairSeries(inRange), coords),
      };
    });
  }
}
