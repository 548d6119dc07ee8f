import { Injectable } from '@nestjs/common';
import { AnalysisCache } from './analysis-cache';
import { inRange, Panel, PanelService } from './panel.service';
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
  constructor(
    private readonly panels: PanelService,
    private readonly cache: AnalysisCache,
  ) {}

  // `panel`: the commodity's panel already loaded by the caller (with the same markets and source).
  async dispersion(q: DispersionQuery, panel?: Panel): Promise<DispersionReport> {
    const p =
      panel ?? (await this.panels.load(q.commodity, { markets: q.markets, source: q.source }));
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
