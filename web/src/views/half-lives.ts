import type { Schemas } from '../api';
import { BASE_OPTION, chartIn, fmt, recordDrawn, viewSection } from '../charts';
import type { State } from '../state';

// View 5: law-of-one-price half-lives by pair and period, and the pair regression's coverage
// coefficient with its 95 % interval (clustered by pair) and wild-bootstrap p, beside the same
// regression on the USD rate (the placebo).

type Report = Schemas['ConvergenceReportDto'];
type PairLife = Schemas['PairHalfLifeDto'];
type Regression = Schemas['PairRegressionDto'];

// What a pair's half-life is in one period, as the report's sentences have it: too few common
// dates; a gap whose unit root the ADF test cannot reject (no half-life given); under one survey
// interval (the surveys cannot resolve it); or a number of days.
type LifeStatus =
  | { kind: 'insufficient'; text: 'too few dates' }
  | { kind: 'unit-root'; text: 'unit root not rejected' }
  | { kind: 'under-one'; text: 'under 1 interval' }
  | { kind: 'estimate'; text: string; value: number };

function statusOf(x: PairLife | Schemas['PairInsufficientDto'], days: number | null): LifeStatus {
  if (!('rho' in x)) return { kind: 'insufficient', text: 'too few dates' };
  const rejected = x.rho < 1 && (!x.adf || x.adf.tau < x.adf.criticalValues['5pct']);
  if (!rejected) return { kind: 'unit-root', text: 'unit root not rejected' };
  if (x.halfLifeIntervals === null || x.halfLifeIntervals < 1)
    return { kind: 'under-one', text: 'under 1 interval' };
  const value = days === null ? x.halfLifeIntervals : x.halfLifeIntervals * days;
  return { kind: 'estimate', text: fmt(value, 1), value };
}

export function halfLivesView() {
  const section = viewSection('half-lives');
  const chart = chartIn(section.chart);
  return {
    draw(report: Report, state: State, credit: string): void {
      const periods = report.halfLives.periods;
      const nameOf = (id: string) => report.data.marketNames[id] ?? id;
      const key = (x: { a: string; b: string }) => `${nameOf(x.a)}–${nameOf(x.b)}`;
      const pairs = [...new Set(periods.flatMap((p) => p.pairs.map(key)))];
      // days where every period has its median interval (the report's unit), else intervals
      const inDays = periods.every((p) => p.medianIntervalDays !== null);
      const statuses = periods.map((p) =>
        pairs.map((pair) => {
          const x = p.pairs.find((y) => key(y) === pair);
          return x ? statusOf(x, inDays ? p.medianIntervalDays : null) : null;
        }),
      );
      chart.setOption(
        {
          ...BASE_OPTION,
          tooltip: {
            trigger: 'item',
            formatter: (q: { seriesIndex: number; dataIndex: number; seriesName: string }) => {
              const st = statuses[q.seriesIndex][q.dataIndex];
              return `${pairs[q.dataIndex]}, ${q.seriesName}: ${st ? (st.kind === 'estimate' ? `${st.text} ${inDays ? 'days' : 'survey intervals'}` : st.text) : 'not in this period'}`;
            },
          },
          legend: { top: 0 },
          grid: { left: 60, right: 20, top: 40, bottom: 90 },
          xAxis: { type: 'category', data: pairs, axisLabel: { rotate: 30, interval: 0 } },
          yAxis: {
            type: 'value',
            name: inDays ? 'half-life (days)' : 'half-life (survey intervals)',
          },
          // a pair without a half-life is a labelled empty bar, never a number the text rejects
          series: periods.map((p, i) => ({
            name: `${p.from} to ${p.to}`,
            type: 'bar',
            data: statuses[i].map((st) =>
              st === null
                ? null
                : st.kind === 'estimate'
                  ? st.value
                  : {
                      value: 0,
                      status: st.kind,
                      label: {
                        show: true,
                        position: 'insideBottom',
                        rotate: 90,
                        align: 'left',
                        formatter: st.text,
                        color: '#555',
                        fontSize: 10,
                      },
                    },
            ),
          })),
        },
        { notMerge: true },
      );
      recordDrawn(section.chart, chart);
      const drawn = statuses.flat().filter((st) => st !== null);
      section.chart.dataset.withoutHalfLife = String(
        drawn.filter((st) => st.kind !== 'estimate').length,
      );
      section.show(
        {
          columns: [
            'pair',
            'from',
            'to',
            'observations',
            'rho',
            'halfLifeIntervals',
            'halfLifeDays',
            'adfTau',
            'adf5pct',
            'status',
          ],
          headers: [
            'Market pair',
            'From',
            'To',
            'Common dates',
            'AR(1) ρ',
            'Half-life (intervals)',
            'Half-life (days)',
            'ADF τ',
            'ADF 5 % critical value',
            'Reading',
          ],
          rows: periods.flatMap((p) =>
            p.pairs.map((x) => {
              const life = 'rho' in x ? x : undefined;
              const st = statusOf(x, p.medianIntervalDays);
              return [
                key(x),
                p.from,
                p.to,
                x.observations,
                life?.rho ?? null,
                st.kind === 'estimate' ? (life?.halfLifeIntervals ?? null) : null,
                st.kind === 'estimate' ? (life?.halfLifeDays ?? null) : null,
                life?.adf?.tau ?? null,
                life?.adf?.criticalValues['5pct'] ?? null,
                st.kind === 'estimate' ? 'half-life estimated' : st.text,
              ];
            }),
          ),
        },
        credit,
        `${state.country}-${state.commodity}-half-lives.csv`.toLowerCase(),
      );
    },
  };
}

interface Row {
  label: string;
  estimate: number;
  low: number;
  high: number;
  p: number;
  clusters: number;
  bootstrapP: number | null;
  bootLow: number | null; // null: unbounded, or not computed
  bootHigh: number | null;
}

// An estimate that is not drawn: why (not identified, too few data), for the table.
interface Refused {
  label: string;
  reason: string;
}

const CLUSTERED = '95 % interval, clustered by market pair';
const BOOTSTRAP = '95 % wild cluster bootstrap interval';
const LEGEND = ['coefficient', CLUSTERED, BOOTSTRAP];
const CLUSTERED_STYLE = { stroke: '#0072B2', lineWidth: 2 };
const BOOTSTRAP_STYLE = { stroke: '#D55E00', lineWidth: 2, lineDash: [4, 3] };

// Horizontal interval bars [low, high, row], drawn `offset` pixels below the row's line; both ends
// are encoded on the x axis, so that the axis spans every interval.
export function intervalSeries(
  name: string,
  data: number[][],
  style: { stroke: string; lineWidth: number; lineDash?: number[] },
  offset: number,
) {
  return {
    name,
    type: 'custom',
    encode: { x: [0, 1], y: 2 },
    // the legend's mark in the line's own colour
    itemStyle: { color: style.stroke },
    data,
    renderItem: (
      _p: unknown,
      api: { value(i: number): number; coord(p: number[]): number[] | null },
    ) => {
      const a = api.coord([api.value(0), api.value(2)]);
      const b = api.coord([api.value(1), api.value(2)]);
      if (!a || !b) return null; // not placed yet (layout, resize): drawn on the next pass
      return {
        type: 'line',
        shape: { x1: a[0], y1: a[1] + offset, x2: b[0], y2: b[1] + offset },
        style,
      };
    },
  };
}

const bound = (v: number | null) => (v === null ? 'unbounded or not computed' : fmt(v, 5));

type Fit = Regression['result'];
type Difference = Report['pairRegression']['placeboDifference']['national'];

const whyNot = (r: Fit | NonNullable<Difference>): string | null =>
  'notIdentified' in r
    ? `not identified: ${r.reason}`
    : 'insufficientData' in r
      ? `too few data: ${r.message}`
      : null;

function coverageRow(label: string, r: Regression | null): Row | Refused | null {
  if (!r) return null;
  const why = whyNot(r.result);
  if (why !== null || !('coefficients' in r.result)) return { label, reason: why ?? '' };
  const c = r.result.coefficients.find((x) => x.name === 'coverage');
  if (!c) return { label, reason: 'no coverage coefficient' };
  return {
    label,
    estimate: c.estimate,
    low: c.ci95[0],
    high: c.ci95[1],
    p: c.p,
    clusters: r.result.pairs,
    bootstrapP: r.result.bootstrap?.p ?? null,
    bootLow: r.result.bootstrap?.ci95?.[0] ?? null,
    bootHigh: r.result.bootstrap?.ci95?.[1] ?? null,
  };
}

function differenceRow(label: string, d: Difference): Row | Refused | null {
  if (!d) return null;
  const why = whyNot(d);
  if (why !== null || !('difference' in d)) return { label, reason: why ?? '' };
  return {
    label,
    estimate: d.difference.estimate,
    low: d.difference.ci95[0],
    high: d.difference.ci95[1],
    p: d.difference.p,
    clusters: d.clusters,
    bootstrapP: d.bootstrap?.p ?? null,
    bootLow: null,
    bootHigh: null,
  };
}

const drawable = (r: Row | Refused | null): r is Row => r !== null && 'estimate' in r;

export function regressionView() {
  const section = viewSection('regression');
  const chart = chartIn(section.chart);
  return {
    draw(report: Report, state: State, credit: string): void {
      const pr = report.pairRegression;
      const placebo = report.placeboSeries;
      const towers = !report.syntheticTowers;
      const all = [
        coverageRow(`${report.commodity}, national coverage`, pr.national),
        placebo
          ? coverageRow(`${placebo} (placebo), national coverage`, pr.placebo.national)
          : null,
        placebo
          ? differenceRow(
              `${report.commodity} − ${placebo}, national`,
              pr.placeboDifference.national,
            )
          : null,
        towers ? coverageRow(`${report.commodity}, tower coverage`, pr.towers) : null,
        towers && placebo
          ? coverageRow(`${placebo} (placebo), tower coverage`, pr.placebo.towers)
          : null,
        towers && placebo
          ? differenceRow(`${report.commodity} − ${placebo}, towers`, pr.placeboDifference.towers)
          : null,
      ].filter((r): r is Row | Refused => r !== null);
      const rows = all.filter(drawable);
      const refused = all.filter((r): r is Refused => !drawable(r));
      section.chart.dataset.refused = String(refused.length);
      if (!rows.length)
        throw new Error(
          refused.map((r) => `${r.label}: ${r.reason}`).join('; ') ||
            'no coverage regression could be run',
        );
      const labels = rows.map((r) => r.label);
      chart.setOption(
        {
          ...BASE_OPTION,
          tooltip: {
            trigger: 'item',
            formatter: (q: { dataIndex: number; data: number[] }) => {
              const r = rows[q.data[q.data.length - 1]] ?? rows[q.dataIndex];
              return `${r.label}<br/>coefficient ${fmt(r.estimate, 5)}<br/>${CLUSTERED}: ${fmt(r.low, 5)} to ${fmt(r.high, 5)} (p ${fmt(r.p)}, ${r.clusters} clusters)<br/>${BOOTSTRAP}: ${bound(r.bootLow)} to ${bound(r.bootHigh)} (p ${fmt(r.bootstrapP)})`;
            },
          },
          legend: { top: 0, data: LEGEND },
          grid: { left: 230, right: 30, top: 36, bottom: 40 },
          xAxis: {
            type: 'value',
            name: 'effect on |ln p_i − ln p_j|',
            nameLocation: 'middle',
            nameGap: 26,
            scale: true,
            splitNumber: 4,
          },
          yAxis: { type: 'category', data: labels, inverse: true },
          series: [
            intervalSeries(
              CLUSTERED,
              rows.map((r, i) => [r.low, r.high, i]),
              CLUSTERED_STYLE,
              0,
            ),
            // only bounded intervals are drawn; an unbounded side is said in the table
            intervalSeries(
              BOOTSTRAP,
              rows
                .map((r, i) => [r.bootLow, r.bootHigh, i])
                .filter((d): d is number[] => d[0] !== null && d[1] !== null),
              BOOTSTRAP_STYLE,
              8,
            ),
            {
              name: 'coefficient',
              type: 'scatter',
              symbolSize: 10,
              itemStyle: { color: '#000' },
              data: rows.map((r, i) => [r.estimate, i]),
              markLine: { symbol: 'none', data: [{ xAxis: 0 }], lineStyle: { type: 'dashed' } },
            },
          ],
        },
        { notMerge: true },
      );
      recordDrawn(section.chart, chart);
      section.chart.dataset.legend = JSON.stringify(LEGEND);
      section.show(
        {
          columns: [
            'regression',
            'coefficient',
            'ci95Low',
            'ci95High',
            'pClustered',
            'clusters',
            'pWildBootstrap',
            'bootstrapCi95Low',
            'bootstrapCi95High',
            'notEstimated',
          ],
          headers: [
            'Regression',
            'Coefficient',
            '95 % low (clustered)',
            '95 % high (clustered)',
            'p (clustered)',
            'Clusters',
            'p (wild bootstrap)',
            '95 % low (bootstrap)',
            '95 % high (bootstrap)',
            'Not estimated, why',
          ],
          rows: [
            ...rows.map((r) => [
              r.label,
              r.estimate,
              r.low,
              r.high,
              r.p,
              r.clusters,
              r.bootstrapP,
              r.bootLow,
              r.bootHigh,
              null,
            ]),
            ...refused.map((r) => [
              r.label,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              r.reason,
            ]),
          ],
        },
        credit,
        `${state.country}-${state.commodity}-pair-regression.csv`.toLowerCase(),
      );
    },
  };
}
