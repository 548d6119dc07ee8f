import { Inject, Injectable } from '@nestjs/common';
import type { FeatureCollection, Point } from 'geojson';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PrismaService } from '../database/prisma.service';
import { CatalogueService } from '../prices/catalogue.service';
import { DatedValue, gridDates, interpolateAt, Interval } from './interpolation';
import { ITU_SERIES } from './mobile-series.service';
import {
  coverageAt,
  coverageSteps,
  pairCoveredFrom,
  RadiusPolicy,
  TowerPoint,
  towersReaching,
} from './tower-coverage';

export const INTERPOLATION_METHOD =
  'ITU annual values are year-end values, dated December 31 of their year; linear in calendar days between dated values (a missing year, such as 2018, is bridged the same way); the last value held flat after the last date; no value before the first date.';

interface TowerRecord extends TowerPoint {
  source: string;
  country: string;
}

export interface MarketCoverage {
  market: string;
  name: string;
  covered: boolean;
  firstCovered: string | null;
  towersInRange: number;
}

// Mobile coverage as data: the national series interpolated to any date, and coverage of each
// market from the tower registry (a market is covered once a tower within its radius is first seen).
@Injectable()
export class CoverageService {
  private towersCache?: { version: string; towers: TowerRecord[] };
  // the distance work is done once per tower set and market list, not on every request
  private reachingCache?: {
    towers: TowerRecord[];
    marketsKey: string;
    value: Map<string, { name: string; country: string; reaching: TowerPoint[] }>;
  };

  constructor(
    private readonly prisma: PrismaService,
    private readonly catalogue: CatalogueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get policy(): RadiusPolicy {
    return {
      defaultKm: this.config.coverage.radiusKm,
      byRadio: this.config.coverage.radiusByRadio,
    };
  }

  async ituPoints(country = 'PRK'): Promise<DatedValue[]> {
    const rows = await this.prisma.mobileSeriesPoint.findMany({
      where: { series: ITU_SERIES, country },
      orderBy: { date: 'asc' },
    });
    return rows.map((r) => ({ date: r.date.toISOString().slice(0, 10), value: r.value }));
  }

  // Several countries' subscriptions series at once (ITU/WDI year-end values), by country.
  async subscriptionsOf(countries: string[]): Promise<Map<string, DatedValue[]>> {
    const rows = await this.prisma.mobileSeriesPoint.findMany({
      where: { series: ITU_SERIES, country: { in: countries } },
      orderBy: [{ country: 'asc' }, { date: 'asc' }],
    });
    const out = new Map<string, DatedValue[]>();
    for (const r of rows)
      out.set(r.country, [
        ...(out.get(r.country) ?? []),
        { date: r.date.toISOString().slice(0, 10), value: r.value },
      ]);
    return out;
  }

  // The last date of a country's subscriptions series (null: none stored): later dates carry its
  // value (interpolateAt), which the report says.
  async nationalLastDate(country: string): Promise<string | null> {
    const last = await this.prisma.mobileSeriesPoint.findFirst({
      where: { series: ITU_SERIES, country },
      orderBy: { date: 'desc' },
      select: { date: true },
    });
    return last ? last.date.toISOString().slice(0, 10) : null;
  }

  // Whether a country's subscriptions series is stored (North Korea's ships; others are imported).
  async hasNationalSeries(country: string): Promise<boolean> {
    return (
      (await this.prisma.mobileSeriesPoint.count({ where: { series: ITU_SERIES, country } })) > 0
    );
  }

  async national(from: string, to: string, interval: Interval, country = 'PRK') {
    const points = await this.ituPoints(country);
    const sourceValues = await this.prisma.mobileSeriesPoint.findMany({
      where: { country },
      orderBy: [{ date: 'asc' }, { series: 'asc' }],
    });
    return {
      series: ITU_SERIES,
      unit: 'mobile-cellular subscriptions per 100 people',
      method: INTERPOLATION_METHOD,
      interval,
      values: gridDates(from, to, interval).map((date) => ({
        date,
        value: interpolateAt(points, date),
      })),
      sourceValues: sourceValues.map((p) => ({
        series: p.series,
        operator: p.operator,
        date: p.date.toISOString().slice(0, 10),
        value: p.value,
        note: p.note,
        sourceUrl: p.sourceUrl,
        provenance: p.provenance,
      })),
    };
  }

  // National subscriptions per 100 at each date (null before the first ITU value).
  async nationalAt(dates: string[], country = 'PRK'): Promise<Map<string, number | null>> {
    const points = await this.ituPoints(country);
    return new Map(dates.map((d) => [d, interpolateAt(points, d)]));
  }

  // Towers cached by the table's version (row count, latest update): always current.
  async towers(): Promise<TowerRecord[]> {
    const v = await this.prisma.$queryRawUnsafe<{ n: number; latest: string | null }[]>(
      'SELECT count(*)::int AS n, max(updated_at)::text AS latest FROM tower',
    );
    const version = `${v[0].n}@${v[0].latest ?? ''}`;
    if (this.towersCache?.version === version) return this.towersCache.towers;
    const rows = await this.prisma.$queryRawUnsafe<TowerRecord[]>(
      `SELECT id, country, source, latitude, longitude, radio, to_char(first_seen, 'YYYY-MM-DD') AS "firstSeen" FROM tower`,
    );
    this.towersCache = { version, towers: rows };
    return rows;
  }

  // Changes whenever a tower or a national series value changes: part of analysis cache keys.
  async version(): Promise<string> {
    const v = await this.prisma.$queryRawUnsafe<{ t: number; tl: string | null; m: number }[]>(
      'SELECT (SELECT count(*)::int FROM tower) AS t, (SELECT max(updated_at)::text FROM tower) AS tl, (SELECT count(*)::int FROM mobile_series_point) + (SELECT count(*)::int FROM mobile_series_revision) AS m',
    );
    return `${v[0].t}@${v[0].tl ?? ''}/${v[0].m}`;
  }

  // The first date each market was covered (null: never), from the tower registry.
  async firstCoveredByMarket(): Promise<Map<string, string | null>> {
    const by = await this.reachingByMarket();
    return new Map([...by.entries()].map(([m, v]) => [m, v.reaching[0]?.firstSeen ?? null]));
  }

  // The registries holding towers of a country (of any country without one).
  async towerSources(country?: string): Promise<string[]> {
    const towers = await this.towers();
    return [
      ...new Set(towers.filter((t) => !country || t.country === country).map((t) => t.source)),
    ].sort();
  }

  // For every market with coordinates: the towers reaching it, sorted by first-seen date.
  async reachingByMarket(): Promise<
    Map<string, { name: string; country: string; reaching: TowerPoint[] }>
  > {
    const [markets, towers] = await Promise.all([this.catalogue.listMarkets(), this.towers()]);
    const marketsKey = markets.map((m) => `${m.id}:${m.latitude}:${m.longitude}`).join('|');
    const hit = this.reachingCache;
    if (hit && hit.towers === towers && hit.marketsKey === marketsKey) return hit.value;
    // a market is reached by its own country's towers (its networks), not a neighbour's
    const byCountry = new Map<string, TowerRecord[]>();
    for (const t of towers) {
      const list = byCountry.get(t.country);
      if (list) list.push(t);
      else byCountry.set(t.country, [t]);
    }
    const out = new Map<string, { name: string; country: string; reaching: TowerPoint[] }>();
    for (const m of markets) {
      if (m.latitude === null || m.longitude === null) continue;
      out.set(m.id, {
        name: m.name,
        country: m.country,
        reaching: towersReaching(
          { latitude: m.latitude, longitude: m.longitude },
          byCountry.get(m.country) ?? [],
          this.policy,
        ),
      });
    }
    this.reachingCache = { towers, marketsKey, value: out };
    return out;
  }

  async marketsAt(date: string, country?: string): Promise<MarketCoverage[]> {
    const by = await this.reachingByMarket();
    return [...by.entries()]
      .filter(([, m]) => !country || m.country === country)
      .map(([market, { name, reaching }]) => ({
        market,
        name,
        ...coverageAt(reaching, date),
      }));
  }

  // Every market pair (i < j by id) with the date from which both are covered.
  async pairsAt(date: string, country?: string) {
    const markets = (await this.marketsAt(date, country)).sort((a, b) =>
      a.market < b.market ? -1 : 1,
    );
    const pairs: { a: string; b: string; bothCovered: boolean; bothCoveredFrom: string | null }[] =
      [];
    for (let i = 0; i < markets.length; i++) {
      for (let j = i + 1; j < markets.length; j++) {
        const from = pairCoveredFrom(markets[i].firstCovered, markets[j].firstCovered);
        pairs.push({
          a: markets[i].market,
          b: markets[j].market,
          bothCovered: from !== null && from <= date,
          bothCoveredFrom: from,
        });
      }
    }
    return pairs;
  }

  async marketSeries(marketId: string) {
    const by = await this.reachingByMarket();
    const m = by.get(marketId);
    if (!m) return undefined;
    return {
      market: marketId,
      name: m.name,
      firstCovered: m.reaching[0]?.firstSeen ?? null,
      steps: coverageSteps(m.reaching),
      towers: m.reaching.map((t) => ({
        id: t.id,
        latitude: t.latitude,
        longitude: t.longitude,
        radio: t.radio ?? null,
        firstSeen: t.firstSeen,
      })),
    };
  }

  async towersGeoJson(source?: string, country?: string): Promise<FeatureCollection<Point>> {
    const rows = await this.prisma.tower.findMany({
      where: { ...(source ? { source } : {}), ...(country ? { country } : {}) },
      orderBy: { id: 'asc' },
    });
    return {
      type: 'FeatureCollection',
      features: rows.map((t) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [t.longitude, t.latitude] },
        properties: {
          id: t.id,
          country: t.country,
          source: t.source,
          externalId: t.externalId,
          radio: t.radio,
          rangeM: t.rangeM,
          samples: t.samples,
          firstSeen: t.firstSeen.toISOString().slice(0, 10),
          firstSeenKind: t.firstSeenKind,
          lastSeen: t.lastSeen?.toISOString().slice(0, 10) ?? null,
          confidence: t.confidence,
          coverageRadiusKm:
            this.policy.byRadio[(t.radio ?? '').toUpperCase()] ?? this.policy.defaultKm,
        },
      })),
    };
  }
}
