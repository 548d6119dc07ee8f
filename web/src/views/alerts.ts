import type { Schemas } from '../api';
import { BASE_OPTION, chartIn, PALETTE, recordDrawn, viewSection } from '../charts';
import type { State } from '../state';
import { registerOutline } from './map';

// View 8: price alerts. The series' markets on the country's outline coloured by their ALPS class
// (WFP), with the table by severity; and one market's monthly price against its seasonal trend with
// the ALPS bands (the lower edges of stress, alert and crisis). A click on a market shows its history.

type Alerts = Schemas['SeriesAlertsDto'];
type History = Schemas['AlertHistoryDto'];

const CLASSES = ['crisis', 'alert', 'stress', 'normal', 'not judged'] as const;
const COLOURS: Record<(typeof CLASSES)[number], string> = {
  crisis: '#D55E00',
  alert: '#E69F00',
  stress: '#F0E442',
  normal: '#009E73',
  'not judged': '#999999',
};
const SYMBOLS = ['triangle', 'diamond', 'rect', 'circle', 'pin'];

export function alertsView(onPick: (market: string) => void) {
  const section = viewSection('alerts');
  const chart = chartIn(section.chart);
  chart.on('click', (p) => {
    const data = p.data as { market?: string } | undefined;
    if (data?.market) onPick(data.market);
  });
  return {
    draw(
      a: Alerts,
      outline: Schemas['CountryOutlineDto'],
      markets: Schemas['MarketDto'][],
      credit: string,
    ): void {
      const map = registerOutline(outline);
      const where = new Map(markets.map((m) => [m.id, m]));
      const classOf = (m: Alerts['markets'][number]) =>
        (m.alps?.class as (typeof CLASSES)[number] | undefined) ?? 'not judged';
      const placed = a.markets.filter((m) => {
        const w = where.get(m.market);
        return typeof w?.latitude === 'number' && typeof w.longitude === 'number';
      });
      chart.setOption(
        {
          ...BASE_OPTION,
          tooltip: { trigger: 'item' },
          legend: { top: 0 },
          geo: {
            map,
            roam: true,
            itemStyle: { areaColor: '#f4f4f4', borderColor: '#888' },
            emphasis: { disabled: true },
          },
          series: CLASSES.map((c, i) => ({
            name: c,
            type: 'scatter',
            coordinateSystem: 'geo',
            symbol: SYMBOLS[i],
            symbolSize: 12,
            itemStyle: { color: COLOURS[c], borderColor: '#333', borderWidth: 0.5 },
            data: placed
              .filter((m) => classOf(m) === c)
              .map((m) => ({
                name: m.name,
                market: m.market,
                value: [where.get(m.market)!.longitude, where.get(m.market)!.latitude],
              })),
          })),
        },
        { notMerge: true },
      );
      recordDrawn(section.chart, chart);
      section.show(
        {
          columns: [
            'market',
            'name',
            'monthAssessed',
            'price',
            'alps',
            'alpsClass',
            'ifpa',
            'ifpaClass',
            'notJudged',
          ],
          headers: [
            'Market id',
            'Market',
            'Month assessed',
            'Price',
            'ALPS',
            'ALPS class',
            'IFPA',
            'IFPA class',
            'Not judged, why',
          ],
          rows: a.markets.map((m) => [
            m.market,
            m.name,
            m.monthAssessed,
            m.price,
            m.alps?.value ?? null,
            m.alps?.class ?? '',
            m.ifpa?.value ?? null,
            m.ifpa?.class ?? m.ifpaReason ?? '',
            m.eligibility.eligible ? '' : (m.eligibility.reason ?? ''),
          ]),
        },
        credit,
        `${a.country}-${a.commodity}-alerts.csv`.toLowerCase(),
      );
    },
  };
}

export function alertHistoryView() {
  const section = viewSection('alerts-history');
  const chart = chartIn(section.chart);
  return {
    draw(h: History, name: string, state: State, credit: string): void {
      const m = h.months;
      const line = (key: 'price' | 'trend') => m.map((x) => [`${x.month}-15`, x[key]]);
      const band = (k: 'stress' | 'alert' | 'crisis') =>
        m.map((x) => [`${x.month}-15`, x.bands ? x.bands[k] : null]);
      chart.setOption(
        {
          ...BASE_OPTION,
          title: {
            text: `${name}: ${h.commodity} (${h.currency}, ${h.unit})`,
            textStyle: { fontSize: 13 },
          },
          tooltip: { trigger: 'axis' },
          legend: { top: 24 },
          grid: { left: 60, right: 20, top: 64, bottom: 40 },
          xAxis: { type: 'time' },
          yAxis: { type: state.log ? 'log' : 'value', scale: true, name: h.currency },
          series: [
            {
              name: 'price',
              type: 'line',
              data: line('price'),
              symbolSize: 4,
              itemStyle: { color: '#000' },
            },
            {
              name: 'seasonal trend',
              type: 'line',
              data: line('trend'),
              showSymbol: false,
              itemStyle: { color: PALETTE[0] },
            },
            ...(['stress', 'alert', 'crisis'] as const).map((k) => ({
              name: `${k} (trend + ${k === 'stress' ? '0.25' : k === 'alert' ? '1' : '2'}σ)`,
              type: 'line',
              data: band(k),
              showSymbol: false,
              lineStyle: { type: 'dashed', width: 1 },
              itemStyle: { color: COLOURS[k] },
            })),
          ],
        },
        { notMerge: true },
      );
      recordDrawn(section.chart, chart);
      section.show(
        {
          columns: ['month', 'price', 'trend', 'stress', 'alert', 'crisis', 'alps', 'ifpa'],
          headers: [
            'Month',
            'Price',
            'Seasonal trend',
            'Stress from',
            'Alert from',
            'Crisis from',
            'ALPS',
            'IFPA',
          ],
          rows: m.map((x) => [
            x.month,
            x.price,
            x.trend,
            x.bands?.stress ?? null,
            x.bands?.alert ?? null,
            x.bands?.crisis ?? null,
            x.alps,
            x.ifpa,
          ]),
        },
        credit,
        `${h.country}-${h.commodity}-${h.market}-alerts-history.csv`.toLowerCase(),
      );
    },
  };
}
