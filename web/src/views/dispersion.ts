import type { Schemas } from '../api';
import { BASE_OPTION, chartIn, fmt, recordDrawn, viewSection } from '../charts';
import type { Measure, State } from '../state';

// View 2: dispersion across markets over time, mobile subscriptions per 100 on a second axis, the
// country's event window shaded, the Bai-Perron breaks and the Sen slope drawn.

export const MEASURE_NAMES: Record<Measure, string> = {
  cv: 'coefficient of variation',
  sdLog: 'standard deviation of log prices',
  meanAbsLogDiff: 'mean |Δ ln p| over market pairs',
};

export interface DispersionInput {
  dispersion: Schemas['DispersionReportDto'];
  national: Schemas['NationalCoverageDto'] | null;
  trend: Schemas['TrendReportDto'];
  events: Schemas['CountryEventsDto'];
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length;
  return m % 2 ? s[(m - 1) / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
};
const yearOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / (365.25 * 86_400_000) + 1970;

export function dispersionView() {
  const section = viewSection('dispersion');
  const chart = chartIn(section.chart);
  return {
    draw(input: DispersionInput, state: State, credit: string): void {
      const m = state.measure;
      const series = input.dispersion.series.map((d) => [d.date, d[m]] as [string, number]);
      const first = series[0]?.[0];
      const last = series[series.length - 1]?.[0];
      const subs = (input.national?.values ?? []).filter(
        (v) => v.value !== null && first !== undefined && v.date >= first && v.date <= last,
      );
      // Sen's line through the medians (Conover): y = median(y) + slope · (t − median(t))
      const slope = input.trend.mannKendall?.senSlopePerYear ?? null;
      const sen =
        slope !== null && series.length > 1
          ? (() => {
              const t0 = median(series.map((p) => yearOf(p[0])));
              const y0 = median(series.map((p) => p[1]));
              return [first, last].map((d) => [d, y0 + slope * (yearOf(d) - t0)]);
            })()
          : [];
      const breaks = input.trend.baiPerron?.breakDates ?? [];
      const border = input.events.borderClosure;
      chart.setOption(
        {
          ...BASE_OPTION,
          tooltip: { trigger: 'axis' },
          legend: { top: 0 },
          grid: { left: 60, right: 60, top: 40, bottom: 70 },
          xAxis: { type: 'time' },
          yAxis: [
            { type: 'value', name: MEASURE_NAMES[m], scale: true },
            { type: 'value', name: 'subscriptions per 100', position: 'right' },
          ],
          dataZoom: [
            { type: 'slider', startValue: state.from, endValue: state.to },
            { type: 'inside', startValue: state.from, endValue: state.to },
          ],
          series: [
            {
              name: MEASURE_NAMES[m],
              type: 'line',
              showSymbol: false,
              data: series,
              markLine: {
                symbol: 'none',
                label: { formatter: 'break {c}' },
                lineStyle: { type: 'dashed' },
                data: breaks.map((d) => ({ xAxis: d, name: d })),
              },
              markArea: border
                ? {
                    itemStyle: { color: 'rgba(0,0,0,0.08)' },
                    data: [[{ name: border.name, xAxis: border.from }, { xAxis: border.to }]],
                  }
                : undefined,
            },
            {
              name: 'subscriptions per 100',
              type: 'line',
              yAxisIndex: 1,
              showSymbol: false,
              lineStyle: { type: 'dotted' },
              data: subs.map((v) => [v.date, v.value]),
            },
            {
              name: `Sen slope (${fmt(slope, 5)} per year)`,
              type: 'line',
              showSymbol: false,
              lineStyle: { width: 1 },
              data: sen,
            },
          ],
        },
        { notMerge: true },
      );
      recordDrawn(section.chart, chart);
      section.chart.dataset.breaks = breaks.join(',');
      const national = new Map(subs.map((v) => [v.date, v.value]));
      section.show(
        {
          columns: [
            'date',
            'markets',
            ...Object.keys(MEASURE_NAMES),
            'subscriptionsPer100MonthStart',
          ],
          headers: [
            'Date',
            'Markets',
            ...Object.values(MEASURE_NAMES),
            'Subscriptions per 100 (month start)',
          ],
          rows: input.dispersion.series.map((d) => [
            d.date,
            d.n,
            d.cv,
            d.sdLog,
            d.meanAbsLogDiff,
            national.get(`${d.date.slice(0, 7)}-01`) ?? null,
          ]),
        },
        credit,
        `${state.country}-${state.commodity}-dispersion.csv`.toLowerCase(),
      );
    },
    zoom(from?: string, to?: string): void {
      chart.dispatchAction({ type: 'dataZoom', startValue: from, endValue: to });
    },
  };
}
