import { Injectable } from '@nestjs/common';
import { CoverageService } from '../coverage/coverage.service';
import { pairCoveredFrom } from '../coverage/tower-coverage';
import { distanceKm } from '../coverage/tower-coverage';
import { Panel } from './panel.service';
import { AnalysisCache } from './analysis-cache';
import { eventsOf } from './events';
import { AnalysisWorkers } from './analysis-workers';
import { PanelColumns, PairRegressionSpec } from './pair-regression';
import { eachPairSeries } from './pairs';

// A specification's border window when it has none (it is unused then: no border control).
const PRK_BORDER = eventsOf('PRK').borderClosure!;
export const BORDER_CLOSURE = { from: PRK_BORDER.from, to: PRK_BORDER.to };

export interface PairRegressionQuery extends PairRegressionSpec {
  commodity: string;
  from?: string;
  to?: string;
  markets?: string[];
}

interface PairPanel {
  columns: PanelColumns;
  droppedNoCoverage: number;
  towerSources: string[];
}

// Builds the market-pair panel (gaps, coverage, distance) from stored prices and coverage, and
// runs the regression; the same specification on the USD rate is the placebo.
@Injectable()
export class PairRegressionService {
  constructor(
    private readonly coverage: CoverageService,
    private readonly cache: AnalysisCache,
    private readonly workers: AnalysisWorkers,
  ) {}

  // Columns built for a request's panel, kept while the panel lives: the report's regression and
  // its placebo difference read the same columns, which are built once.
  private readonly built = new WeakMap<Panel, Map<string, Promise<PairPanel>>>();

  // The panel by columns (see PanelColumns): pairs numbered as their first row comes, dates sorted.
  panel(q: PairRegressionQuery, prices: Panel): Promise<PairPanel> {
    let byQuery = this.built.get(prices);
    if (!byQuery) this.built.set(prices, (byQuery = new Map<string, Promise<PairPanel>>()));
    const key = JSON.stringify([q.coverage, q.from, q.to]);
    let columns = byQuery.get(key);
    if (!columns) byQuery.set(key, (columns = this.buildPanel(q, prices)));
    return columns;
  }

  private async buildPanel(q: PairRegressionQuery, prices: Panel): Promise<PairPanel> {
    const { points, markets } = await prices.data();
    const [firstCovered, towerSources] = await Promise.all([
      q.coverage === 'towers'
        ? this.coverage.firstCoveredByMarket()
        : Promise.resolve(new Map<string, string | null>()),
      q.coverage === 'towers'
        ? this.coverage.towerSources(prices.filter.country)
        : Promise.resolve([] as string[]),
    ]);
    const where = new Map(markets.map((m) => [m.id, m]));
    // every date of the period (a superset of the pairs' dates: only theirs are looked up)
    const periodDates = new Set<string>();
    for (const p of points)
      if ((!q.from || p.date >= q.from) && (!q.to || p.date <= q.to)) periodDates.add(p.date);
    const national =
      q.coverage === 'national'
        ? await this.coverage.nationalAt([...periodDates], prices.filter.country ?? 'PRK')
        : new Map<string, number | null>();
    // One pair at a time into typed chunks (dates by a provisional number), then one copy into
    // the columns: memory holds the columns twice at most, never every pair's series.
    const pairNames: string[] = [];
    const distances: number[] = [];
    const provisional = new Map<string, number>();
    const provisionalNames: string[] = [];
    const chunks: { pair: number; date: Int32Array; gap: Float64Array; coverage: Float64Array }[] =
      [];
    let rows = 0;
    let droppedNoCoverage = 0;
    for (const p of eachPairSeries(points, q.from, q.to)) {
      const m = p.dates.length;
      if (!m) continue;
      const bothFrom = pairCoveredFrom(
        firstCovered.get(p.a) ?? null,
        firstCovered.get(p.b) ?? null,
      );
      const date = new Int32Array(m);
      const gap = new Float64Array(m);
      const coverage = new Float64Array(m);
      let kept = 0;
      for (let i = 0; i < m; i++) {
        const d = p.dates[i];
        const cov =
          q.coverage === 'national'
            ? (national.get(d) ?? null)
            : bothFrom !== null && d >= bothFrom
              ? 1
              : 0;
        if (cov === null) {
          droppedNoCoverage++;
          continue;
        }
        let id = provisional.get(d);
        if (id === undefined) {
          id = provisionalNames.length;
          provisional.set(d, id);
          provisionalNames.push(d);
        }
        date[kept] = id;
        gap[kept] = Math.abs(p.q[i]);
        coverage[kept] = cov;
        kept++;
      }
      if (!kept) continue;
      // the pair's number, given with its first row
      chunks.push({
        pair: pairNames.length,
        date: date.subarray(0, kept),
        gap: gap.subarray(0, kept),
        coverage: coverage.subarray(0, kept),
      });
      rows += kept;
      pairNames.push(`${p.a}-${p.b}`);
      const a = where.get(p.a);
      const b = where.get(p.b);
      distances.push(
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
          : NaN,
      );
    }
    const dateNames = [...provisionalNames].sort();
    const rank = new Int32Array(provisionalNames.length);
    dateNames.forEach((d, i) => (rank[provisional.get(d)!] = i));
    const columns: PanelColumns = {
      pairNames,
      pairDistanceKm: Float64Array.from(distances),
      dateNames,
      pair: new Int32Array(rows),
      date: new Int32Array(rows),
      gap: new Float64Array(rows),
      coverage: new Float64Array(rows),
    };
    let at = 0;
    for (const c of chunks) {
      const k = c.gap.length;
      columns.pair.fill(c.pair, at, at + k);
      for (let i = 0; i < k; i++) columns.date[at + i] = rank[c.date[i]];
      columns.gap.set(c.gap, at);
      columns.coverage.set(c.coverage, at);
      at += k;
    }
    return { columns, droppedNoCoverage, towerSources };
  }

  // The commodity's coverage coefficient minus the placebo's, in one stacked regression
  // (placebo-difference.ts): the same specification on both panels.
  async placeboDifference(
    q: PairRegressionQuery,
    main: Panel,
    placebo: Panel,
    coverageVersion: string,
  ) {
    return this.cache.get(
      [
        'placebo-difference',
        main.version,
        main.filter,
        placebo.version,
        placebo.filter,
        coverageVersion,
        q,
      ],
      async () => {
        const [a, b] = await Promise.all([
          this.panel(q, main),
          this.panel({ ...q, commodity: placebo.commodity }, placebo),
        ]);
        return this.workers.run('placeboDifference', a.columns, b.columns, q);
      },
    );
  }

  async regression(q: PairRegressionQuery, p: Panel, coverageVersion?: string) {
    const cv = coverageVersion ?? (await this.coverage.version());
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
