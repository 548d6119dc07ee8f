import type { Schemas } from '../api';
import { BASE_OPTION, chartIn, echarts, fmt, PALETTE, recordDrawn, viewSection } from '../charts';
import { intervalSeries } from './half-lives';

// View 7: the cross-country test. A forest plot of each country's within-country estimate with
// their random-effects pooling; the event study (TWFE and Callaway-Sant'Anna) by years since
// adoption with its pre-adoption years; and the countries on a world outline (Natural Earth
// 1:110m, shipped) shaded by their estimate. Effects are per 10 subscriptions per 100, as the
// report states them.

type Answer = Schemas['CrossCountryAnswerDto'];
const PER_10 = 10;

const countryLabel = (iso3: string, names: Map<string, string>) =>
  `${names.get(iso3) ?? iso3} (${iso3})`;

export function forestView() {
  const section = viewSection('world-forest');
  const chart = chartIn(section.chart);
  return {
    draw(a: Answer, names: Map<string, string>, credit: string): void {
      const have = a.perCountry.filter((c) => c.estimate !== null && c.ci95 !== null);
      const rows = have.map((c) => ({
        label: countryLabel(c.country, names),
        estimate: PER_10 * c.estimate!,
        low: PER_10 * c.ci95![0],
        high: PER_10 * c.ci95![1],
      }));
      const pooled = a.pooled.reml;
      if (pooled)
        rows.push({
          label: `Pooled (REML, I² ${fmt(pooled.i2, 1)} %)`,
          estimate: PER_10 * pooled.estimate,
          low: PER_10 * pooled.ci95[0],
          high: PER_10 * pooled.ci95[1],
        });
      if (!rows.length)
        throw new Error(a.pooled.reason ?? 'no country has a within-country estimate');
      const style = { stroke: PALETTE[0], lineWidth: 2 };
      chart.setOption(
        {
          ...BASE_OPTION,
          tooltip: {
            trigger: 'item',
            formatter: (q: { data: number[] }) => {
              const r = rows[q.data[q.data.length - 1]];
              return `${r.label}<br/>${fmt(r.estimate, 4)} (95 %: ${fmt(r.low, 4)} to ${fmt(r.high, 4)})`;
            },
          },
          legend: { top: 0, data: ['95 % interval', 'estimate', 'pooled'] },
          grid: { left: 20, right: 30, top: 36, bottom: 40, containLabel: true },
          // zero always in view: the line every interval is read against
          xAxis: {
            type: 'value',
            name: 'change in the pair gap per 10 subscriptions per 100',
            nameLocation: 'middle',
            nameGap: 26,
            min: (v: { min: number }) => Math.min(0, v.min),
            max: (v: { max: number }) => Math.max(0, v.max),
          },
          yAxis: { type: 'category', data: rows.map((r) => r.label), inverse: true },
          series: [
            intervalSeries(
              '95 % interval',
              rows.map((r, i) => [r.low, r.high, i]),
              style,
              0,
            ),
            {
              name: 'estimate',
              type: 'scatter',
              symbol: 'rect',
              symbolSize: 10,
              itemStyle: { color: '#000' },
              data: have.map((_, i) => [rows[i].estimate, i]),
              markLine: { symbol: 'none', data: [{ xAxis: 0 }], lineStyle: { type: 'dashed' } },
            },
            {
              name: 'pooled',
              type: 'scatter',
              symbol: 'diamond',
              symbolSize: 16,
              itemStyle: { color: PALETTE[5] },
              data: pooled ? [[rows[rows.length - 1].estimate, rows.length - 1]] : [],
            },
          ],
        },
        { notMerge: true },
      );
      recordDrawn(section.chart, chart);
      section.show(
        {
          columns: [
            'country',
            'series',
            'pairs',
            'estimatePer10',
            'ci95Low',
            'ci95High',
            'p',
            'notEstimated',
          ],
          headers: [
            'Country',
            'Series',
            'Pairs',
            'Per 10 subscriptions',
            '95 % low',
            '95 % high',
            'p (clustered by pair)',
            'Not estimated, why',
          ],
          rows: [
            ...a.perCountry.map((c) => [
              countryLabel(c.country, names),
              c.series,
              c.pairs,
              c.estimate === null ? null : PER_10 * c.estimate,
              c.ci95 ? PER_10 * c.ci95[0] : null,
              c.ci95 ? PER_10 * c.ci95[1] : null,
              c.p,
              c.reason ?? '',
            ]),
            ...(pooled
              ? [
                  [
                    'Pooled (REML)',
                    null,
                    null,
                    PER_10 * pooled.estimate,
                    PER_10 * pooled.ci95[0],
                    PER_10 * pooled.ci95[1],
                    pooled.p,
                    '',
                  ],
                ]
              : []),
          ],
        },
        credit,
        'cross-country-forest.csv',
      );
    },
  };
}

export function eventStudyView() {
  const section = viewSection('world-events');
  const chart = chartIn(section.chart);
  return {
    draw(a: Answer, credit: string): void {
      const es = a.staggered.eventStudy;
      const cs = a.staggered.callawaySantAnna;
      const twfe = 'coefficients' in es ? es.coefficients : [];
      const robust = cs.dynamic.filter((d) => d.ci95 !== null);
      if (!twfe.length && !cs.dynamic.length)
        throw new Error(
          `no event study: ${'reason' in es ? es.reason : 'no event year has rows'}; ${cs.reason ?? ''}`,
        );
      const years = [
        ...new Set([...twfe.map((c) => c.eventYear), ...cs.dynamic.map((d) => d.eventYear), -1]),
      ].sort((x, y) => x - y);
      const at = (e: number) => years.indexOf(e);
      const vertical = (name: string, data: number[][], stroke: string, offset: number) => ({
        name,
        type: 'custom',
        itemStyle: { color: stroke },
        data,
        renderItem: (
          _p: unknown,
          api: { value(i: number): number; coord(p: number[]): number[] | null },
        ) => {
          const lo = api.coord([api.value(0), api.value(1)]);
          const hi = api.coord([api.value(0), api.value(2)]);
          if (!lo || !hi) return null; // not placed yet (layout, resize)
          return {
            type: 'line',
            shape: { x1: lo[0] + offset, y1: lo[1], x2: hi[0] + offset, y2: hi[1] },
            style: { stroke, lineWidth: 2 },
          };
        },
      });
      chart.setOption(
        {
          ...BASE_OPTION,
          tooltip: { trigger: 'item' },
          legend: { top: 0 },
          grid: { left: 60, right: 20, top: 40, bottom: 50 },
          xAxis: {
            type: 'category',
            data: years.map(String),
            name: 'years since adoption',
            nameLocation: 'middle',
            nameGap: 30,
          },
          yAxis: { type: 'value', name: 'change in D', scale: true },
          series: [
            vertical(
              'TWFE 95 %',
              twfe.map((c) => [at(c.eventYear), c.ci95[0], c.ci95[1]]),
              PALETTE[0],
              -4,
            ),
            {
              name: 'TWFE event study',
              type: 'scatter',
              symbolSize: 9,
              itemStyle: { color: PALETTE[0] },
              data: [
                ...twfe.map((c) => [at(c.eventYear), c.estimate]),
                ...(twfe.length ? [[at(-1), 0]] : []),
              ],
              markLine: {
                symbol: 'none',
                data: [{ yAxis: 0 }, { xAxis: at(-1) + 0.5 }],
                lineStyle: { type: 'dashed' },
                label: { formatter: (p: { value: number }) => (p.value === 0 ? '' : 'adoption') },
              },
            },
            vertical(
              'Callaway-Sant’Anna 95 %',
              robust.map((d) => [at(d.eventYear), d.ci95![0], d.ci95![1]]),
              PALETTE[5],
              4,
            ),
            {
              name: 'Callaway-Sant’Anna',
              type: 'scatter',
              symbol: 'diamond',
              symbolSize: 11,
              itemStyle: { color: PALETTE[5] },
              data: cs.dynamic.map((d) => [at(d.eventYear), d.estimate]),
            },
          ],
        },
        { notMerge: true },
      );
      recordDrawn(section.chart, chart);
      type Test = { f: number; df1: number; df2: number; p: number } | { untestable: string };
      const preText = (t: Test | null) =>
        !t
          ? ''
          : 'untestable' in t
            ? t.untestable
            : `F = ${fmt(t.f, 2)} on (${t.df1}, ${t.df2}) df, p = ${fmt(t.p)}`;
      const twfePre = preText('preTrend' in es ? es.preTrend : null);
      const robustPre = preText(cs.preTrend);
      section.chart.dataset.preTrend = twfePre;
      section.show(
        {
          columns: ['estimator', 'eventYear', 'estimate', 'ci95Low', 'ci95High', 'note'],
          headers: [
            'Estimator',
            'Years since adoption',
            'Estimate',
            '95 % low',
            '95 % high',
            'Note',
          ],
          rows: [
            ...twfe.map((c) => [
              'TWFE event study',
              c.eventYear,
              c.estimate,
              c.ci95[0],
              c.ci95[1],
              '',
            ]),
            ...cs.dynamic.map((d) => [
              'Callaway-Sant’Anna',
              d.eventYear,
              d.estimate,
              d.ci95?.[0] ?? null,
              d.ci95?.[1] ?? null,
              d.seNote ?? '',
            ]),
            ['TWFE leads, joint test', null, null, null, null, twfePre],
            ['Callaway-Sant’Anna pre-adoption, joint test', null, null, null, null, robustPre],
          ],
        },
        credit,
        'cross-country-event-study.csv',
      );
    },
  };
}

export function worldMapView() {
  const section = viewSection('world-map');
  const chart = chartIn(section.chart);
  let registered = false;
  return {
    draw(a: Answer, outline: Schemas['WorldOutlineDto'], credit: string): void {
      if (!registered) {
        echarts.registerMap(
          'world',
          outline as unknown as Parameters<typeof echarts.registerMap>[1],
        );
        registered = true;
      }
      const nameOf = new Map(
        outline.features
          .filter((f) => f.properties.iso3)
          .map((f) => [f.properties.iso3!, f.properties.name]),
      );
      const estimates = a.perCountry.filter((c) => c.estimate !== null);
      const values = estimates.map((c) => PER_10 * c.estimate!);
      const bound = Math.max(1e-9, ...values.map(Math.abs));
      const leftOut = a.panel.leftOut.filter((l) => !l.series);
      chart.setOption(
        {
          ...BASE_OPTION,
          tooltip: {
            trigger: 'item',
            formatter: (q: { name: string; value: number }) =>
              Number.isFinite(q.value)
                ? `${q.name}: ${fmt(q.value, 4)} per 10 subscriptions`
                : q.name,
          },
          // a map's areas are told apart by their shading and the table, not by hatching
          aria: { enabled: true, decal: { show: false } },
          visualMap: {
            min: -bound,
            max: bound,
            precision: 4,
            calculable: true,
            text: ['gap widens', 'gap narrows'],
            inRange: { color: ['#0072B2', '#f7f7f7', '#D55E00'] },
            left: 10,
            bottom: 10,
          },
          series: [
            {
              name: 'within-country estimate',
              type: 'map',
              map: 'world',
              roam: true,
              itemStyle: { areaColor: '#e8e8e8', borderColor: '#999' },
              emphasis: { label: { show: false } },
              data: estimates.map((c, i) => ({
                name: nameOf.get(c.country) ?? c.country,
                value: values[i],
                iso3: c.country,
              })),
            },
          ],
        },
        { notMerge: true },
      );
      recordDrawn(section.chart, chart);
      // the map series lists every region of the outline: the shaded ones are these
      section.chart.dataset.shaded = String(estimates.length);
      section.show(
        {
          columns: ['country', 'name', 'estimatePer10', 'status'],
          headers: ['ISO code', 'Country', 'Per 10 subscriptions', 'Status'],
          rows: [
            ...a.perCountry.map((c) => [
              c.country,
              nameOf.get(c.country) ?? c.country,
              c.estimate === null ? null : PER_10 * c.estimate,
              c.estimate === null ? `no estimate: ${c.reason ?? ''}` : 'in the panel',
            ]),
            ...leftOut.map((l) => [
              l.country,
              nameOf.get(l.country) ?? l.country,
              null,
              `left out: ${l.reason}`,
            ]),
          ],
        },
        `Boundaries: ${outline.source}. ${credit}`,
        'cross-country-map.csv',
      );
    },
  };
}
