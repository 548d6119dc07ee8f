import type { Schemas } from '../api';
import { BASE_OPTION, chartIn, fmt, recordDrawn, viewSection } from '../charts';
import { registerOutline } from './map';
import type { State } from '../state';

// View 4: the trade network. Markets at their coordinates; an edge per pair, thicker the more the
// two markets' price changes move together, labelled with the half-life; an arrow from the market
// whose changes precede the other's (Granger, Holm-adjusted).

const halfLifeOf = (e: Schemas['NetworkEdgeDto']): number | null =>
  'rho' in e.halfLife ? (e.halfLife.halfLifeIntervals ?? null) : null;

export function networkView() {
  const section = viewSection('network');
  const chart = chartIn(section.chart);
  return {
    draw(
      network: Schemas['NetworkReportDto'],
      markets: Schemas['MarketDto'][],
      outline: Schemas['CountryOutlineDto'],
      state: State,
      credit: string,
    ): void {
      const where = new Map(markets.map((m) => [m.id, m]));
      const nodes = network.nodes
        .map((n) => ({ n, m: where.get(n.market) }))
        .filter((x) => x.m && x.m.latitude !== null && x.m.longitude !== null)
        .map(({ n, m }) => ({
          name: n.market,
          value: [m!.longitude, m!.latitude],
          symbolSize: 10 + 4 * n.leads,
          label: { show: true, formatter: `${m!.displayName} (leads ${n.leads}, led ${n.ledBy})` },
        }));
      const placed = new Set(nodes.map((n) => n.name));
      const nameOf = (id: string) => where.get(id)?.displayName ?? id;
      const links = network.edges
        .filter((e) => placed.has(e.a) && placed.has(e.b))
        .map((e) => {
          const from = e.leader ?? e.a;
          const to = from === e.a ? e.b : e.a;
          const hl = halfLifeOf(e);
          return {
            source: from,
            target: to,
            symbol: ['none', e.leader ? 'arrow' : 'none'],
            symbolSize: 10,
            lineStyle: { width: 1 + 6 * Math.max(0, e.correlation ?? 0), opacity: 0.7 },
            label: { show: true, formatter: hl === null ? '' : `½ ${fmt(hl, 2)}` },
            tooltip: {
              formatter: `${nameOf(e.a)}–${nameOf(e.b)}: correlation ${fmt(e.correlation, 2)}, half-life ${fmt(hl, 2)} survey intervals${e.leader ? `, ${nameOf(e.leader)} leads` : ''}`,
            },
          };
        });
      chart.setOption(
        {
          ...BASE_OPTION,
          tooltip: { trigger: 'item' },
          geo: {
            map: registerOutline(outline),
            roam: true,
            itemStyle: { areaColor: '#f7f7f7', borderColor: '#aaa' },
            emphasis: { disabled: true },
          },
          series: [
            {
              name: 'markets',
              type: 'graph',
              coordinateSystem: 'geo',
              layout: 'none',
              data: nodes,
              links,
              // labels that would overlap another are hidden (hover shows them)
              labelLayout: { hideOverlap: true },
              edgeLabel: { fontSize: 10 },
              lineStyle: { color: '#0072B2', curveness: 0.1 },
              itemStyle: { color: '#D55E00' },
            },
          ],
        },
        { notMerge: true },
      );
      recordDrawn(section.chart, chart);
      section.chart.dataset.edges = String(links.length);
      section.chart.dataset.arrows = String(links.filter((l) => l.symbol[1] === 'arrow').length);
      section.show(
        {
          columns: [
            'a',
            'b',
            'observations',
            'distanceKm',
            'correlation',
            'halfLifeIntervals',
            'pHolmAtoB',
            'pHolmBtoA',
            'leader',
          ],
          headers: [
            'Market a',
            'Market b',
            'Observations',
            'Distance (km)',
            'Correlation of changes',
            'Half-life (survey intervals)',
            'Granger p, a → b (Holm)',
            'Granger p, b → a (Holm)',
            'Leads',
          ],
          rows: network.edges.map((e) => [
            nameOf(e.a),
            nameOf(e.b),
            e.observations,
            e.distanceKm,
            e.correlation,
            halfLifeOf(e),
            'aToB' in e.granger ? e.granger.aToB.pHolm : null,
            'aToB' in e.granger ? e.granger.bToA.pHolm : null,
            e.leader ? nameOf(e.leader) : null,
          ]),
        },
        credit,
        `${state.country}-${state.commodity}-network.csv`.toLowerCase(),
      );
    },
  };
}
