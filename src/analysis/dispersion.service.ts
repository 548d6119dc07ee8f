import { Injectable } from '@nestjs/common';
import { AnalysisCache } from './analysis-cache';
import { inRange, Panel } from './panel.service';
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
  constructor(private readonly cache: AnalysisCache) {}

  // `p`: the request's panel, loaded once by the caller and shared by every estimator.
  async dispersion(q: DispersionQuery, p: Panel): Promise<DispersionReport> {
    return this.cache.get(
      [
        'dispersion',
        p.version,
        p.filter,
        q.commodity,
        q.markets ?? null,
        q.from ?? null,
        q.to ?? null,
        q.source ?? null,
        q.balanced ?? false,
      ],
      async () => {
        const points = inRange((await p.data()).points, q.from, q.to);
        const markets = q.markets?.length
          ? q.markets
          : [...new Set(points.map((x) => x.market))].sort();
        const series = dispersionSeries(points, { balancedOver: q.balanced ? markets : undefined });
        return {
          commodity: q.commodity,
          markets,
          from: q.from ?? null,
          to: q.to ?? null,
          balanced: q.balanced ?? false,
          sources: [...new Set(points.map((x) => x.source))].sort(),
          series,
          byYear: dispersionByYear(series),
        };
      },
    );
  }
}
