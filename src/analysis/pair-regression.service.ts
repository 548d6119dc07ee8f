import { Injectable } from '@nestjs/common';
import { CoverageService } from '../coverage/coverage.service';
import { pairCoveredFrom } from '../coverage/tower-coverage';
import { distanceKm } from '../coverage/tower-coverage';
import { Panel, PanelService } from './panel.service';
import { AnalysisCache } from './analysis-cache';
import { COUNTRY_EVENTS } from './events';
import { AnalysisWorkers } from './analysis-workers';
import { PanelColumns, PairRegressionSpec } from './pair-regression';
import { pairSeries } from './pairs';

const PRK_BORDER = COUNTRY_EVENTS.PRK.borderClosure!;
export const BORDER_CLOSURE = { from: PRK_BORDER.from, to: PRK_BORDER.to };
export const PLACEBO_COMMODITY = 'usd';

export interface PairRegressionQuery extends PairRegressionSpec {
  commodity: string;
  from?: string;
  to?: string;
  markets?: string[];
}

// Builds the market-pair panel (gaps, coverage, distance) from stored prices and coverage, and
// runs the regression; the same specification on the USD rate is the placebo.
@Injectable()
export class PairRegressionService {
  constructor(
    private readonly panels: PanelService,
    private readonly coverage: CoverageService,
    private readonly cache: AnalysisCache,
    private readonly workers: AnalysisWorkers,
  ) {}

  // The panel by columns (see PanelColumns): pairs numbered as their first row comes, dates sorted.
  async panel(
    q: PairRegressionQuery,
    prices: Panel,
  ): Promise<{ columns: PanelColumns; droppedNoCoverage: number; towerSources: string[] }> {
    const { points, markets } = await prices.data();
    const [firstCovered, towerSources] = await Promise.all([
      q.coverage === 'towers'
        ? this.coverage.firstCoveredByMarket()
        : Promise.resolve(new Map<string, string | null>()),
      q.coverage === 'towers' ? this.coverage.towerSources() : Promise.resolve([] as string[]),
    ]);
    const where = new Map(markets.map((m) => [m.id, m]));
    const pairs = pairSeries(points, q.from, q.to);
    const allDates = new Set<string>();
    for (const p of pairs) for (const d of p.dates) allDates.add(d);
    const national =
      q.coverage === 'national'
        ? await this.coverage.nationalAt([...allDates], prices.filter.country ?? 'PRK')
        : new Map<string, number | null>();
    const pairNames: string[] = [];
    const distances: number[] = [];
    const pairOf: number[] = [];
    const dateOf: string[] = [];
    const gap: number[] = [];
    const coverage: number[] = [];
    let droppedNoCoverage = 0;
    for (const p of pairs) {
      const a = where.get(p.a);
      const b = where.get(p.b);
      const dist =
        a &&
        b &&
        a.latitude !== null &&
        a.longitude !== null &&
        b.latitude !== null &&
        b.longitude !== null
          ? distanceKm(
              { latitude: a.latitude, longitude: a.longitude },
              { latitude: b.latitude, longitude: b.longitude },
            )
          : NaN;
      const bothFrom = pairCoveredFrom(
        firstCovered.get(p.a) ?? null,
        firstCovered.get(p.b) ?? null,
      );
      let k = -1; // the pair's number, given with its first row
      p.dates.forEach((date, i) => {
        const cov =
          q.coverage === 'national'
            ? (national.get(date) ?? null)
            : bothFrom !== null && date >= bothFrom
              ? 1
              : 0;
        if (cov === null) {
          droppedNoCoverage++;
          return;
        }
        if (k < 0) {
          k = pairNames.length;
          pairNames.push(`${p.a}-${p.b}`);
          distances.push(dist);
        }
        pairOf.push(k);
        dateOf.push(date);
        gap.push(Math.abs(p.q[i]));
        coverage.push(cov);
      });
    }
    const dateNames = [...new Set(dateOf)].sort();
    const dateIndex = new Map(dateNames.map((d, i) => [d, i]));
    return {
      columns: {
        pairNames,
        pairDistanceKm: Float64Array.from(distances),
        dateNames,
        pair: Int32Array.from(pairOf),
        date: Int32Array.from(dateOf, (d) => dateIndex.get(d)!),
        gap: Float64Array.from(gap),
        coverage: Float64Array.from(coverage),
      },
      droppedNoCoverage,
      towerSources,
    };
  }

  async regression(q: PairRegressionQuery, panel?: Panel, coverageVersion?: string) {
    const [p, cv] = await Promise.all([
      panel ?? this.panels.load(q.commodity, { markets: q.markets }),
      coverageVersion ?? this.coverage.version(),
    ]);
    return this.cache.get(['pair-regression', p.version, p.filter, cv, q], async () => {
      const { columns, droppedNoCoverage, towerSources } = await this.panel(q, p);
      return {
        commodity: q.commodity,
        specification: {
          dependent: '|ln p_it - ln p_jt|',
          coverage:
            q.coverage === 'national'
              ? 'national subscriptions per 100 at the survey date (ITU, interpolated)'
              : 'both markets covered by a tower (1 from the later first-covered date of the pair)',
          controls: q.controls,
          fixedEffects: q.fe,
          standardErrors:
            q.se === 'cluster'
              ? 'clustered by pair, small-sample factor G/(G-1)·(N-1)/(N-K), t with G-1 df'
              : 'Driscoll-Kraay (Bartlett, floor(T^(1/4)) lags), t with T-1 df',
          bootstrap:
            q.bootstrap > 0
              ? `wild cluster bootstrap-t, null imposed, ${q.bootstrap} replications, seed ${q.seed}`
              : 'none',
          borderWindow: q.controls.includes('border') ? q.borderWindow : undefined,
        },
        rowsWithoutCoverageValue: droppedNoCoverage,
        towerSources: q.coverage === 'towers' ? towerSources : undefined,
        result: await this.workers.run('pairRegression', columns, q),
      };
    });
  }
}
