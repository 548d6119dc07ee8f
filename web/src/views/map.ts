import type { Schemas } from '../api';
import { BASE_OPTION, chartIn, echarts, PALETTE, recordDrawn, viewSection } from '../charts';
import type { State } from '../state';

// View 3: the markets on the country's outline (shipped Natural Earth boundaries, a plain
// longitude/latitude projection, no tiles), coloured by the year each was first covered by a tower,
// with the towers' coverage circles; a click on a market shows its series in the prices view.

export interface MapInput {
  outline: Schemas['CountryOutlineDto'];
  markets: Schemas['MarketDto'][];
  coverage: Schemas['MarketsCoverageDto'] | null;
  towers: Schemas['TowerCollectionDto'] | null;
}

const SYNTHETIC = 'synthetic-sample';
const MIN_TOWER_PX = 2.5;

// A circle of radius km around a point as a 48-sided polygon (equirectangular approximation).
function circle(lon: number, lat: number, km: number): [number, number][] {
  const dLat = km / 111.32;
  const dLon = km / (111.32 * Math.cos((lat * Math.PI) / 180));
  return Array.from({ length: 48 }, (_, i) => {
    const a = (i / 48) * 2 * Math.PI;
    return [lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)];
  });
}

export function registerOutline(outline: Schemas['CountryOutlineDto']): string {
  const name = `outline-${outline.properties.iso3}`;
  echarts.registerMap(name, {
    type: 'FeatureCollection',
    features: [outline],
  } as unknown as Parameters<typeof echarts.registerMap>[1]);
  return name;
}

export function mapView(onPick: (market: string) => void) {
  const section = viewSection('map');
  const chart = chartIn(section.chart);
  chart.on('click', (p) => {
    const data = p.data as { market?: string } | undefined;
    if (data?.market) onPick(data.market);
  });
  return {
    draw(input: MapInput, state: State): void {
      const map = registerOutline(input.outline);
      const first = new Map(
        (input.coverage?.markets ?? []).map((m) => [m.market, m.firstCovered ?? null]),
      );
      const placed = input.markets.filter((m) => m.latitude !== null && m.longitude !== null);
      // the country's own towers: none stored, no coverage to show
      const reached = (input.towers?.features.length ?? 0) > 0;
      const features = reached ? (input.towers?.features ?? []) : [];
      const synthetic =
        features.some((f) => f.properties.source === SYNTHETIC) ||
        (reached && (input.coverage?.towerSources ?? []).includes(SYNTHETIC));
      // the colours come from the towers: made-up towers make made-up colours, and the legend says so
      const tag = synthetic ? ' (SYNTHETIC towers)' : '';
      const bucket = (m: Schemas['MarketDto']) => {
        if (!reached) return 'no tower data for this country';
        const f = first.get(m.id);
        return f ? `first covered ${f.slice(0, 4)}${tag}` : `never covered${tag}`;
      };
      const buckets = [...new Set(placed.map(bucket))].sort();
      const towerName = synthetic ? 'tower coverage (SYNTHETIC sample)' : 'tower coverage';
      chart.setOption(
        {
          ...BASE_OPTION,
          tooltip: { trigger: 'item' },
          legend: { top: 0, type: 'scroll' },
          geo: {
            map,
            roam: true,
            itemStyle: { areaColor: '#f4f4f4', borderColor: '#888' },
            emphasis: { disabled: true },
          },
          series: [
            {
              name: towerName,
              type: 'custom',
              coordinateSystem: 'geo',
              silent: true,
              data: features.map((f) => [
                f.geometry.coordinates[0],
                f.geometry.coordinates[1],
                f.properties.coverageRadiusKm,
              ]),
              // a tower's reach as drawn to scale, but never smaller than MIN_TOWER_PX: at country
              // scale a 5 km circle is under a pixel, and the towers would vanish from the map
              renderItem: (
                _params: unknown,
                api: { value(i: number): number; coord(p: number[]): number[] | null },
              ) => {
                const placed = circle(api.value(0), api.value(1), api.value(2)).map((p) =>
                  api.coord(p),
                );
                const centre = api.coord([api.value(0), api.value(1)]);
                // a point the map cannot place yet (while it is laid out or resized): not drawn
                // this time, rather than a page error
                if (!centre || placed.some((p) => !p)) return null;
                const ring = placed as number[][];
                const px = Math.hypot(ring[0][0] - centre[0], ring[0][1] - centre[1]);
                const style = { fill: 'rgba(86,180,233,0.25)', stroke: 'rgba(0,114,178,0.6)' };
                return px >= MIN_TOWER_PX
                  ? { type: 'polygon', shape: { points: ring }, style }
                  : {
                      type: 'circle',
                      shape: { cx: centre[0], cy: centre[1], r: MIN_TOWER_PX },
                      style,
                    };
              },
            },
            ...buckets.map((b, i) => ({
              name: b,
              type: 'scatter',
              coordinateSystem: 'geo',
              symbol: ['circle', 'rect', 'triangle', 'diamond', 'pin'][i % 5],
              symbolSize: 11,
              itemStyle: { color: PALETTE[i % PALETTE.length] },
              label: { show: true, position: 'right', formatter: '{b}' },
              // a label that would overlap another is hidden (hover or the table names it)
              labelLayout: { hideOverlap: true },
              data: placed
                .filter((m) => bucket(m) === b)
                .map((m) => ({
                  name: m.displayName,
                  market: m.id,
                  value: [m.longitude, m.latitude],
                  selected: m.id === state.market,
                })),
            })),
          ],
        },
        { notMerge: true },
      );
      recordDrawn(section.chart, chart);
      section.chart.dataset.synthetic = String(synthetic);
      section.show(
        {
          columns: ['market', 'name', 'latitude', 'longitude', 'firstCovered'],
          headers: ['Market id', 'Market', 'Latitude', 'Longitude', 'First covered by a tower'],
          rows: placed.map((m) => [
            m.id,
            m.displayName,
            m.latitude,
            m.longitude,
            first.get(m.id) ?? null,
          ]),
        },
        `Boundaries: ${input.outline.properties.source}. Towers: ${(input.coverage?.towerSources ?? []).join(', ') || 'none'}${synthetic ? ' (SYNTHETIC sample: made-up sites)' : ''}.`,
        `${state.country}-markets-coverage.csv`.toLowerCase(),
      );
    },
  };
}
