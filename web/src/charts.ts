import {
  BarChart,
  CustomChart,
  GraphChart,
  LineChart,
  MapChart,
  ScatterChart,
} from 'echarts/charts';
import {
  AriaComponent,
  DataZoomComponent,
  GeoComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

// ECharts, only the parts the views use (tree-shaken at build time), drawn on canvas (faster than
// SVG for the map's circles and the price series: measured in the page-load benchmark).
echarts.use([
  BarChart,
  CustomChart,
  GraphChart,
  LineChart,
  MapChart,
  ScatterChart,
  AriaComponent,
  DataZoomComponent,
  GeoComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  CanvasRenderer,
]);

export { echarts };

// Okabe and Ito's palette: told apart under the common colour-vision deficiencies. Lines also get
// ECharts' decal patterns and symbols (aria), so colour is never the only cue.
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
];

export const BASE_OPTION = {
  color: PALETTE,
  aria: { enabled: true, decal: { show: true } },
  animation: false,
  textStyle: { fontFamily: 'system-ui, sans-serif' },
};

const charts = new Map<HTMLElement, echarts.ECharts>();

export function chartIn(el: HTMLElement): echarts.ECharts {
  let c = charts.get(el);
  if (!c) {
    c = echarts.init(el, undefined, { renderer: 'canvas' });
    charts.set(el, c);
  }
  return c;
}

// A map chart caught between laying out its geo component and its first frame throws from inside
// ECharts on resize (seen in CI: "Cannot read properties of null (reading '0')" under geo's create):
// one chart's failure must not stop the others' resize nor surface as a page error, and that chart
// is resized again on the next frame, when its layout is done.
window.addEventListener('resize', () =>
  charts.forEach((c) => {
    try {
      c.resize();
    } catch {
      requestAnimationFrame(() => {
        try {
          c.resize();
        } catch (err) {
          console.warn(`a chart could not be resized: ${(err as Error).message}`);
        }
      });
    }
  }),
);

// What a chart drew, on its element: the number of data points in each series (read back from the
// chart's own option), so the browser tests assert on the library's data, not on pixels.
export function recordDrawn(el: HTMLElement, chart: echarts.ECharts): void {
  const option = chart.getOption() as { series?: { name?: string; data?: unknown[] }[] };
  // a gap marker ([x, null]: where a line is broken) is not a point
  const isPoint = (d: unknown) => !(Array.isArray(d) && d[1] === null);
  const series = (option.series ?? []).map((s) => ({
    name: s.name ?? '',
    n: s.data?.filter(isPoint).length ?? 0,
  }));
  el.dataset.series = JSON.stringify(Object.fromEntries(series.map((s) => [s.name, s.n])));
  el.dataset.points = String(series.reduce((a, s) => a + s.n, 0));
}

export type Cell = string | number | null | undefined;
export interface Table {
  columns: string[]; // the CSV's column names (machine-readable, as the API's fields)
  headers?: string[]; // the page's headers, in words (the columns' when absent)
  rows: Cell[][];
}

// A number as the page shows it: whole numbers with thousands separators, others to 4 significant
// digits (the CSV keeps every digit).
export const shown = (v: Cell): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '–';
  if (Number.isInteger(v)) return v.toLocaleString('en');
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e7) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
};

const csvCell = (v: Cell): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

// The credit line comes first as a comment (R: read.csv(comment.char = "#"); pandas: comment="#").
export const toCsv = (t: Table, credit: string): string =>
  (credit ? `# ${credit.replace(/[\r\n]+/g, ' ')}\n` : '') +
  [t.columns, ...t.rows].map((r) => r.map(csvCell).join(',')).join('\n') +
  '\n';

// Saves a CSV text as a file, from the page (no request: the numbers are those shown).
export function downloadCsv(text: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// Each view's section: its chart, a table toggle (the chart's text alternative) and a download of
// the table behind the chart as CSV.
export interface ViewSection {
  chart: HTMLElement;
  show(table: Table, credit: string, fileName: string): void;
}

export function viewSection(id: string): ViewSection {
  const section = document.getElementById(id)!;
  const chart = section.querySelector<HTMLElement>('.chart')!;
  const tableBox = section.querySelector<HTMLElement>('.table')!;
  const toggle = section.querySelector<HTMLButtonElement>('button.toggle-table')!;
  const download = section.querySelector<HTMLButtonElement>('button.download')!;
  let current: { table: Table; credit: string; fileName: string } | undefined;
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    tableBox.hidden = !open;
  });
  download.addEventListener('click', () => {
    if (current) downloadCsv(toCsv(current.table, current.credit), current.fileName);
  });
  return {
    chart,
    show(table, credit, fileName) {
      current = { table, credit, fileName };
      const t = document.createElement('table');
      const head = t.createTHead().insertRow();
      table.columns.forEach((c, i) => {
        const th = document.createElement('th');
        th.scope = 'col';
        th.textContent = table.headers?.[i] ?? c;
        th.title = c; // the CSV's column name
        head.append(th);
      });
      const body = t.createTBody();
      // a table of thousands of rows is no alternative: the first 1,000, and the CSV for the rest
      for (const r of table.rows.slice(0, 1000)) {
        const tr = body.insertRow();
        for (const v of r) {
          const td = tr.insertCell();
          td.textContent = shown(v);
          if (typeof v === 'number') td.className = 'num';
        }
      }
      tableBox.replaceChildren(t);
      if (table.rows.length > 1000) {
        const p = document.createElement('p');
        p.textContent = `The first 1,000 of ${table.rows.length} rows; the CSV has them all.`;
        tableBox.append(p);
      }
      tableBox.dataset.rows = String(table.rows.length);
    },
  };
}

export const fmt = (x: number | null | undefined, digits = 3): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
