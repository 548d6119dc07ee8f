import type { Observation } from '../api';
import { BASE_OPTION, chartIn, echarts, recordDrawn, viewSection } from '../charts';
import type { State } from '../state';

// View 1: each market's series of the chosen commodity, unit and price type. Hover: source, flag
// and the text the value was read from; the zoom sets the date range the other charts follow.

export interface PricesView {
  draw(rows: Observation[], state: State, credit: string): void;
  onZoom(handler: (from: string | undefined, to: string | undefined) => void): void;
}

type Point = [string, number, string, string, string];

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
    draw(rows, state, credit) {
      const byMarket = new Map<string, Point[]>();
      for (const r of rows) {
        let s = byMarket.get(r.market);
        if (!s) byMarket.set(r.market, (s = []));
        s.push([r.date, r.value, r.source, r.flag, r.rawValue]);
      }
      const unit = rows[0]?.unit ?? '';
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
            selected: legendSelection([...byMarket.keys()], state.market),
          },
          grid: { left: 60, right: 20, top: 40, bottom: 70 },
          xAxis: { type: 'time' },
          yAxis: { type: state.log ? 'log' : 'value', name: unit, scale: true },
          dataZoom: [
            { type: 'slider', xAxisIndex: 0, startValue: state.from, endValue: state.to },
            { type: 'inside', xAxisIndex: 0, startValue: state.from, endValue: state.to },
          ],
          series: [...byMarket.entries()].map(([market, data]) => ({
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
          columns: ['date', 'market', 'value', 'unit', 'priceType', 'source', 'flag', 'rawValue'],
          rows: rows.map((r) => [
            r.date,
            r.market,
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
