import { Injectable } from '@nestjs/common';
import { BadInputError } from '../common/domain-error';
import { LRUCache } from 'lru-cache';
import { PricesService, SeriesPoint } from '../prices/prices.service';
import { CatalogueService } from '../prices/catalogue.service';
import { ReferenceIdsService } from '../prices/reference-ids.service';
import { DataVersionService } from '../prices/data-version.service';
import { DEFAULT_COUNTRY } from './events';

export interface MarketPoint {
  id: string;
  name: string;
  admin1: string | null;
  latitude: number | null;
  longitude: number | null;
}

// A stored market as the analysis reads it (North Korea's gazetteer keeps admin1 as province).
export const marketPoint = (m: {
  id: string;
  name: string;
  admin1: string | null;
  province: string | null;
  latitude: number | null;
  longitude: number | null;
}): MarketPoint => ({
  id: m.id,
  name: m.name,
  admin1: m.admin1 ?? m.province,
  latitude: m.latitude,
  longitude: m.longitude,
});

// Markets as people read them: the file's or gazetteer's name, with admin1 (or the id) where two
// markets of the selection share a name. Ids stay in the JSON; sentences, legends and labels use
// these.
export function displayNames(markets: MarketPoint[]): Map<string, string> {
  const byName = new Map<string, MarketPoint[]>();
  for (const m of markets) byName.set(m.name, [...(byName.get(m.name) ?? []), m]);
  const out = new Map<string, string>();
  for (const [name, ms] of byName) {
    if (ms.length === 1) {
      out.set(ms[0].id, name);
      continue;
    }
    const admins = new Set(ms.map((m) => m.admin1));
    for (const m of ms)
      out.set(
        m.id,
        admins.size === ms.length && m.admin1 ? `${name} (${m.admin1})` : `${name} (${m.id})`,
      );
  }
  return out;
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
  currency?: string; // the series' own (its most frequent): one series never mixes currencies
  markets?: string[];
  source?: string;
  from?: string; // the request's period: estimators see only these dates
  to?: string;
}

export const inRange = (points: SeriesPoint[], from?: string, to?: string): SeriesPoint[] =>
  from || to ? points.filter((p) => (!from || p.date >= from) && (!to || p.date <= to)) : points;

// More market pairs than a request may analyse (ANALYSIS_MAX_PAIRS): the caller's doing, a 400.
export class PairLimitError extends BadInputError {
  constructor(markets: number, maxPairs: number) {
    super(
      `markets: ${markets} markets make ${(markets * (markets - 1)) / 2} market pairs; at most ${maxPairs} per request (ANALYSIS_MAX_PAIRS): name fewer markets with markets=`,
    );
  }
}

const checkPairs = (markets: number, maxPairs?: number): void => {
  if (maxPairs !== undefined && (markets * (markets - 1)) / 2 > maxPairs)
    throw new PairLimitError(markets, maxPairs);
};

// What a request (HTTP or the command line) names of a panel.
export interface PanelRequest {
  commodity: string;
  country?: string;
  unit?: string;
  priceType?: string;
  currency?: string;
  from?: string;
  to?: string;
  markets?: string[];
  source?: string;
}

// Series read for one request are kept for the next (keyed by the data version, so never stale):
// a client asking for statistic after statistic of one commodity reads its prices once, not once
// per request. Bounded by the number of price points held (about 100 bytes each). The estimators
// only read the points, never change them.
const HELD_POINTS = 2_000_000;

@Injectable()
export class PanelService {
  private readonly held = new LRUCache<string, SeriesPoint[]>({
    maxSize: HELD_POINTS,
    sizeCalculation: (points) => points.length + 1,
  });

  constructor(
    private readonly prices: PricesService,
    private readonly catalogue: CatalogueService,
    private readonly ids: ReferenceIdsService,
    private readonly versions: DataVersionService,
  ) {}

  // A request's series, checked and loaded once: one country (default PRK), one unit and one
  // price type (a 400 lists the choices when the commodity has several and none was picked);
  // unknown names are a 400 naming the parameter.
  async forRequest(q: PanelRequest, maxPairs?: number): Promise<Panel> {
    if (q.from && q.to && q.from > q.to) throw new BadInputError('from: must not be after to');
    const country = q.country ?? DEFAULT_COUNTRY;
    await this.ids.assertKnown('country', 'country', [country]);
    await this.ids.assertKnown('commodity', 'commodity', [q.commodity]);
    await this.ids.assertKnown('markets', 'market', q.markets);
    const series = await this.seriesOf(q.commodity, country, q.unit, q.priceType, q.currency);
    return this.load(
      q.commodity,
      { country, ...series, markets: q.markets, source: q.source, from: q.from, to: q.to },
      { maxPairs },
    );
  }

  // The one series (unit, price type, currency) of a commodity in a country a request means: named
  // where the commodity has several, else its only one; a 400 lists the choices.
  async seriesOf(
    commodity: string,
    country: string,
    unit?: string,
    priceType?: string,
    currency?: string,
  ): Promise<{ unit?: string; priceType?: string; currency?: string }> {
    const choices = await this.catalogue.seriesChoices(commodity, country);
    // a currency is named in the list only where the unit and price type alone do not tell
    const ambiguous = (c: (typeof choices)[number]) =>
      choices.filter((x) => x.unit === c.unit && x.priceType === c.priceType).length > 1;
    const list = (c: typeof choices) =>
      c
        .map(
          (x) =>
            `unit=${x.unit}&priceType=${x.priceType}${ambiguous(x) ? `&currency=${x.currency}` : ''} (${x.observations} observations)`,
        )
        .join('; ');
    const none = (c: typeof choices) => (c.length ? ` (series: ${list(c)})` : ' (no observations)');
    if (unit !== undefined && !choices.some((c) => c.unit === unit))
      throw new BadInputError(
        `unit: ${commodity} in ${country} has no series in "${unit}"${none(choices)}`,
      );
    if (priceType !== undefined && !choices.some((c) => c.priceType === priceType))
      throw new BadInputError(
        `priceType: ${commodity} in ${country} has no ${priceType} series${none(choices)}`,
      );
    if (currency !== undefined && !choices.some((c) => c.currency === currency))
      throw new BadInputError(
        `currency: ${commodity} in ${country} has no series in ${currency}${none(choices)}`,
      );
    const left = choices.filter(
      (c) =>
        (unit === undefined || c.unit === unit) &&
        (priceType === undefined || c.priceType === priceType) &&
        (currency === undefined || c.currency === currency),
    );
    if (left.length > 1) {
      const params = [
        ...new Set(
          left.flatMap((c) =>
            [
              left.some((x) => x.unit !== c.unit) ? 'unit' : '',
              left.some((x) => x.priceType !== c.priceType) ? 'priceType' : '',
              left.some((x) => x.currency !== c.currency) ? 'currency' : '',
            ].filter(Boolean),
          ),
        ),
      ].join(', ');
      throw new BadInputError(
        `${params}: ${commodity} has ${left.length} series in ${country} and analysis never mixes them; choose one: ${list(left)}`,
      );
    }
    return left.length
      ? { unit: left[0].unit, priceType: left[0].priceType, currency: left[0].currency }
      : { unit, priceType, currency };
  }

  // Without a market list, cities only (a regional average is not a market to pair with a city).
  // `maxPairs`: the pair analyses grow with the square of the markets (200 markets: 19,900 pairs).
  // Named markets are counted at once; otherwise when the series is read, which happens only when
  // some answer is not cached (a cached answer passed the same check).
  async load(
    commodity: string,
    filter: PanelFilter = {},
    opts: { maxPairs?: number } = {},
  ): Promise<Panel> {
    if (filter.markets) checkPairs(filter.markets.length, opts.maxPairs);
    // one country at a time, always (North Korea unless named)
    const country = filter.country ?? DEFAULT_COUNTRY;
    filter = { ...filter, country };
    const version = await this.versions.ofSeries(commodity, country);
    const key = JSON.stringify([commodity, version, filter]);
    let data: Promise<PanelData> | undefined;
    const read = async (): Promise<PanelData> => {
      const [points, markets] = await Promise.all([
        this.held.get(key) ?? this.prices.series(commodity, filter),
        this.catalogue.listMarkets(filter.country),
      ]);
      this.held.set(key, points);
      checkPairs(new Set(points.map((p) => p.market)).size, opts.maxPairs);
      return {
        points,
        markets: markets.map(marketPoint),
      };
    };
    return { commodity, version, filter, data: () => (data ??= read()) };
  }
}
