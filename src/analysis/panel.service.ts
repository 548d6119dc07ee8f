import { Injectable } from '@nestjs/common';
import { PricesService, SeriesPoint } from '../prices/prices.service';

export interface MarketPoint {
  id: string;
  latitude: number | null;
  longitude: number | null;
}

export interface PanelData {
  points: SeriesPoint[];
  markets: MarketPoint[];
}

// One commodity's prices as the analysis reads them: the data version that keys every cached
// result, and, read at most once and only when an estimator's result is not cached, one value per
// market and date (the preferred source's) with the markets' coordinates. One panel per request,
// handed to every estimator, which only filter it.
export interface Panel {
  commodity: string;
  version: string;
  data(): Promise<PanelData>;
  filter: PanelFilter;
}

// Which series of a commodity: one country, one unit, one price type (analysis never mixes them),
// and optionally named markets or one source.
export interface PanelFilter {
  country?: string;
  unit?: string;
  priceType?: string;
  markets?: string[];
  source?: string;
}

export const inRange = (points: SeriesPoint[], from?: string, to?: string): SeriesPoint[] =>
  from || to ? points.filter((p) => (!from || p.date >= from) && (!to || p.date <= to)) : points;

@Injectable()
export class PanelService {
  constructor(private readonly prices: PricesService) {}

  // Without a market list, cities only (a regional average is not a market to pair with a city).
  async load(commodity: string, filter: PanelFilter = {}): Promise<Panel> {
    const version = await this.prices.dataVersion(commodity);
    let data: Promise<PanelData> | undefined;
    return {
      commodity,
      version,
      filter,
      data: () =>
        (data ??= Promise.all([
          this.prices.series(commodity, filter),
          this.prices.listMarkets(),
        ]).then(([points, markets]) => ({
          points,
          markets: markets.map((m) => ({ id: m.id, latitude: m.latitude, longitude: m.longitude })),
        }))),
    };
  }
}
