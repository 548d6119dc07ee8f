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

const CACHE_ENTRIES = 200;

@Injectable()
export class DispersionService {
  // Results by (query, data version of the commodity): repeated requests skip the work and a new or
  // revised observation changes the version, so an answer is never stale.
  private readonly cache = new Map<string, DispersionReport>();

  constructor(private readonly prices: PricesService) {}

  async dispersion(q: DispersionQuery): Promise<DispersionReport> {
    const version = await this.prices.dataVersion(q.commodity);
    const key = JSON.stringify([
      version,
      q.commodity,
      q.markets ?? null,
      q.from ?? null,
      q.to ?? null,
      q.source ?? null,
      q.balanced ?? false,
    ]);
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key); // most recently used goes last
      this.cache.set(key, hit);
      return hit;
    }
    const report = await this.compute(q);
    this.cache.set(key, report);
    if (this.cache.size > CACHE_ENTRIES)
      this.cache.delete(this.cache.keys().next().value as string);
    return report;
  }

  private async compute(q: DispersionQuery): Promise<DispersionReport> {
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
