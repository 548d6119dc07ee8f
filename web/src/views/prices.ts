import type { Observation } from '../api';
import { BASE_OPTION, chartIn, echarts, recordDrawn, viewSection } from '../charts';
import type { State } from '../state';

// View 1: each market's series of the chosen commodity, unit and price type. Hover: source, flag
// and the text the value was read from; the zoom sets the date range the other charts follow. A
// line is not joined across a gap of more than GAP_INTERVALS of its market's usual survey interval:
// a straight line over two missing years would show prices nobody observed.

export const GAP_INTERVALS = 3;

export interface PricesView {
  draw(
    rows: Observation[],
    state: State,
    credit: string,
    names: Map<string, string>,
    unitLabel: string,
  ): void;
  onZoom(handler: (from: string | undefined, to: string | undefined) => void): void;
}

type Point = [string, number | null, string, string, string];

const DAY_MS = 86_400_000;
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;

// The series with a gap marker ([date, null]) wherever the next date is more than GAP_INTERVALS
// median intervals away; the number of gaps is returned for the page's note.
export function withGaps(points: Point[]): { data: Point[]; gaps: number } {
  const steps = points.slice(1).map((p, i) => dayOf(p[0]) - dayOf(points[i][0]));
  if (steps.length < 2) return { data: points, gaps: 0 };
  const sorted = [...steps].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const data: Point[] = [points[0]];
  let gaps = 0;
  points.slice(1).forEach((p, i) => {
    if (steps[i] > GAP_INTERVALS * median) {
      const mid = new Date(((dayOf(points[i][0]) + dayOf(p[0])) / 2) * DAY_MS);
      data.push([mid.toISOString().slice(0, 10), null, '', '', '']);
      gaps++;
    }
    data.push(p);
  });
  return { data, gaps };
}

export function pricesView(): PricesView {
  const section = viewSection('prices');
  const chart = chartIn(section.chart);
  let zoomHandler: ((from?: string, to?: string) => void) | undefined;
  chart.on('datazoom', () => {
    const dz = (chart.getOption() as { dataZoom?: { startValue?: number; endValue?: number }[] })
      .dataZoom?.[0];
    const day = (v?: number) =>
      v === undefined ? undefined : new Date(v).toISOString().slice(0, 10);
    zoomHandler?.(day(dz?.startValue), day(dz?.endValue));
  });
  return {
    onZoom(handler) {
      zoomHandler = handler;
    },
    draw(rows, state, credit, names, unitLabel) {
      const byMarket = new Map<string, Point[]>();
      for (const r of rows) {
        const name = names.get(r.market) ?? r.market;
        let s = byMarket.get(name);
        if (!s) byMarket.set(name, (s = []));
        s.push([r.date, r.value, r.source, r.flag, r.rawValue]);
      }
      const lines = [...byMarket.entries()].map(([market, points]) => ({
        market,
        ...withGaps(points),
      }));
      const gaps = lines.reduce((a, l) => a + l.gaps, 0);
      section.chart.dataset.gaps = String(gaps);
      const unit = unitLabel;
      chart.setOption(
        {
          ...BASE_OPTION,
          tooltip: {
            trigger: 'item',
            formatter: (p: { seriesName: string; value: Point }) =>
              `${echarts.format.encodeHTML(p.seriesName)} ${p.value[0]}<br/>${p.value[1]} ${echarts.format.encodeHTML(unit)}<br/>source: ${echarts.format.encodeHTML(p.value[2])}, ${p.value[3]}<br/>as published: “${echarts.format.encodeHTML(p.value[4])}”`,
          },
          legend: {
            type: 'scroll',
            top: 0,
            selected: legendSelection([...byMarket.keys()], names.get(state.market ?? '')),
          },
          grid: { left: 60, right: 20, top: 40, bottom: 70 },
          xAxis: { type: 'time' },
          yAxis: { type: state.log ? 'log' : 'value', name: unit, scale: true },
          dataZoom: [
            { type: 'slider', xAxisIndex: 0, startValue: state.from, endValue: state.to },
            { type: 'inside', xAxisIndex: 0, startValue: state.from, endValue: state.to },
          ],
          series: lines.map(({ market, data }) => ({
            name: market,
            type: 'line',
            showSymbol: true,
            symbolSize: 4,
            connectNulls: false,
            data,
          })),
        },
        { notMerge: true },
      );
      recordDrawn(section.chart, chart);
      section.show(
        {
          columns: [
            'date',
            'market',
            'marketName',
            'value',
            'unit',
            'priceType',
            'source',
            'flag',
            'rawValue',
          ],
          headers: [
            'Date',
            'Market id',
            'Market',
            'Price',
            'Unit',
            'Price type',
            'Source',
            'Flag',
            'As published',
          ],
          rows: rows.map((r) => [
            r.date,
            r.market,
            names.get(r.market) ?? r.market,
            r.value,
            r.unit,
            r.priceType,
            r.source,
            r.flag,
            r.rawValue,
          ]),
        },
        credit,
        `${state.country}-${state.commodity}-prices.csv`.toLowerCase(),
      );
    },
  };
}

// With a market picked on the map, only its series is shown (the others stay one click away).
function legendSelection(markets: string[], picked?: string): Record<string, boolean> {
  if (!picked || !markets.includes(picked)) return {};
  return Object.fromEntries(markets.map((m) => [m, m === picked]));
}
