import { Injectable } from '@nestjs/common';
import { PricesService } from '../prices/prices.service';
import { dispersionByYear, dispersionSeries, DispersionAtDate, DispersionYear } from './dispersion';

export interface DispersionQuery {
  commodity: string;
  markets?: string[];
  from?: string;
  to?: string;
  source?: string;
  balanced?: boolean;
}

export interface DispersionReport {
  commodity: string;
  markets: string[];
  from: string | null;
  to: string | null;
  balanced: boolean;
  sources: string[];
  series: DispersionAtDate[];
  byYear: DispersionYear[];
}

@Injectable()
export class DispersionService {
  constructor(private readonly prices: PricesService) {}

  async dispersion(q: DispersionQuery): Promise<DispersionReport> {
    const points = await this.prices.series(q.commodity, q);
    const markets = q.markets?.length
      ? q.markets
      : [...new Set(points.map((p) => p.market))].sort();
    const series = dispersionSeries(points, { balancedOver: q.balanced ? markets : undefined });
    return {
      commodity: q.commodity,
      markets,
      from: q.from ?? null,
      to: q.to ?? null,
      balanced: q.balanced ?? false,
      sources: [...new Set(points.map((p) => p.source))].sort(),
      series,
      byYear: dispersionByYear(series),
    };
  }
}
