import type { Schemas } from '../api';
import { BASE_OPTION, chartIn, fmt, recordDrawn, viewSection } from '../charts';
import type { State } from '../state';

// View 5: law-of-one-price half-lives by pair and period, and the pair regression's coverage
// coefficient with its 95 % interval (clustered by pair) and wild-bootstrap p, beside the same
// regression on the USD rate (the placebo).

type Report = Schemas['ConvergenceReportDto'];
type PairLife = Schemas['PairHalfLifeDto'];
type Regression = Schemas['PairRegressionDto'];

export function halfLivesView() {
  const section = viewSection('half-lives');
  const chart = chartIn(section.chart);
  return {
    draw(report: Report, state: State, credit: string): void {
      const periods = report.halfLives.periods;
      const pairs = [...new Set(periods.flatMap((p) => p.pairs.map((x) => `${x.a}–${x.b}`)))];
      const lifeOf = (p: (typeof periods)[number], pair: string): PairLife | undefined =>
        p.pairs.find((x): x is PairLife => `${x.a}–${x.b}` === pair && 'rho' in x);
      chart.setOption(
        {
          ...BASE_OPTION,
          tooltip: { trigger: 'axis' },
          legend: { top: 0 },
          grid: { left: 60, right: 20, top: 40, bottom: 80 },
          xAxis: { type: 'category', data: pairs, axisLabel: { rotate: 30 } },
          yAxis: { type: 'value', name: 'half-life (survey intervals)' },
          series: periods.map((p) => ({
            name: `${p.from} to ${p.to}`,
            type: 'bar',
            data: pairs.map((pair) => lifeOf(p, pair)?.halfLifeIntervals ?? null),
          })),
        },
        { notMerge: true },
      );
      recordDrawn(section.chart, chart);
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
          ],
          rows: periods.flatMap((p) =>
            p.pairs.map((x) => {
              const life = 'rho' in x ? x : undefined;
              return [
                `${x.a}–${x.b}`,
                p.from,
                p.to,
                x.observations,
                life?.rho ?? null,
                life?.halfLifeIntervals ?? null,
                life?.halfLifeDays ?? null,
                life?.adf?.tau ?? null,
                life?.adf?.criticalValues['5pct'] ?? null,
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
  bootstrapP: number | null;
  bootLow: number | null; // null: unbounded, or not computed
  bootHigh: number | null;
  bootNote: string;
}

// Horizontal interval bars [low, high, row], drawn `offset` pixels below the row's line; both ends
// are encoded on the x axis, so that the axis spans every interval.
function intervalSeries(
  name: string,
  data: number[][],
  style: Record<string, unknown>,
  offset: number,
) {
  return {
    name,
    type: 'custom',
    encode: { x: [0, 1], y: 2 },
    data,
    renderItem: (_p: unknown, api: { value(i: number): number; coord(p: number[]): number[] }) => {
      const a = api.coord([api.value(0), api.value(2)]);
      const b = api.coord([api.value(1), api.value(2)]);
      return {
        type: 'line',
        shape: { x1: a[0], y1: a[1] + offset, x2: b[0], y2: b[1] + offset },
        style,
      };
    },
  };
}

const bound = (v: number | null) => (v === null ? 'unbounded or not computed' : fmt(v, 5));

function coverageRow(label: string, r: Regression | null): Row | null {
  if (!r || !('coefficients' in r.result)) return null;
  const c = r.result.coefficients.find((x) => x.name === 'coverage');
  if (!c) return null;
  return {
    label,
    estimate: c.estimate,
    low: c.ci95[0],
    high: c.ci95[1],
    p: c.p,
    bootstrapP: r.result.bootstrap?.p ?? null,
    bootLow: r.result.bootstrap?.ci95?.[0] ?? null,
    bootHigh: r.result.bootstrap?.ci95?.[1] ?? null,
    bootNote: r.result.bootstrap?.ci95Note ?? 'no bootstrap',
  };
}

export function regressionView() {
  const section = viewSection('regression');
  const chart = chartIn(section.chart);
  return {
    draw(report: Report, state: State, credit: string): void {
      const pr = report.pairRegression;
      const rows = [
        coverageRow(`${report.commodity}, national coverage`, pr.national),
        coverageRow('USD placebo, national coverage', pr.placebo.national),
        report.syntheticTowers
          ? null
          : coverageRow(`${report.commodity}, tower coverage`, pr.towers),
        report.syntheticTowers
          ? null
          : coverageRow('USD placebo, tower coverage', pr.placebo.towers),
      ].filter((r): r is Row => r !== null);
      if (!rows.length)
        throw new Error(
          report.summary.find((t) => t.startsWith('National coverage')) ??
            'no coverage regression could be run',
        );
      const labels = rows.map((r) => r.label);
      chart.setOption(
        {
          ...BASE_OPTION,
          tooltip: {
            trigger: 'item',
            formatter: (p: { dataIndex: number }) => {
              const r = rows[p.dataIndex];
              return `${r.label}<br/>coefficient ${fmt(r.estimate, 5)}<br/>95 % interval (clustered) ${fmt(r.low, 5)} to ${fmt(r.high, 5)}<br/>95 % wild-bootstrap interval ${bound(r.bootLow)} to ${bound(r.bootHigh)}<br/>p ${fmt(r.p)}; wild bootstrap p ${fmt(r.bootstrapP)}`;
            },
          },
          grid: { left: 220, right: 30, top: 20, bottom: 40 },
          xAxis: { type: 'value', name: 'effect on |ln p_i − ln p_j|', scale: true },
          yAxis: { type: 'category', data: labels, inverse: true },
          series: [
            intervalSeries(
              '95 % interval',
              rows.map((r, i) => [r.low, r.high, i]),
              { stroke: '#0072B2', lineWidth: 2 },
              0,
            ),
            // only bounded intervals are drawn; an unbounded side is said in the table
            intervalSeries(
              '95 % wild-bootstrap interval',
              rows
                .map((r, i) => [r.bootLow, r.bootHigh, i])
                .filter((d): d is number[] => d[0] !== null && d[1] !== null),
              { stroke: '#D55E00', lineWidth: 2, lineDash: [4, 3] },
              8,
            ),
            {
              name: 'coefficient',
              type: 'scatter',
              symbolSize: 10,
              data: rows.map((r, i) => [r.estimate, i]),
              markLine: { symbol: 'none', data: [{ xAxis: 0 }], lineStyle: { type: 'dashed' } },
            },
          ],
        },
        { notMerge: true },
      );
      recordDrawn(section.chart, chart);
      section.show(
        {
          columns: [
            'regression',
            'coefficient',
            'ci95Low',
            'ci95High',
            'pClustered',
            'pWildBootstrap',
          ],
          rows: rows.map((r) => [r.label, r.estimate, r.low, r.high, r.p, r.bootstrapP]),
        },
        credit,
        `${state.country}-${state.commodity}-pair-regression.csv`.toLowerCase(),
      );
    },
  };
}
