import { stringify } from 'csv-stringify/sync';
import type { CrossCountryAnswer } from './cross-country.service';

// The panel as a CSV an economist re-runs in R or Stata: one row per (country, series, month),
// exactly the rows the series-level estimate reads, with the credit of the series' sources.
export const PANEL_CSV_COLUMNS = [
  'country',
  'series',
  'commodity',
  'unit',
  'priceType',
  'currency',
  'month',
  'd',
  'markets',
  'pairs',
  'subscriptionsPer100',
  'credit',
] as const;

export function panelCsv(a: CrossCountryAnswer): string {
  const creditOf = new Map(a.credits.map((c) => [c.source, c.credit]));
  const credit = a.panel.series.map((s) => s.sources.map((id) => creditOf.get(id) ?? id).join(' '));
  return stringify(
    a.panel.rows.map((r) => {
      const s = a.panel.series[r.series];
      return {
        country: r.country,
        series: s.id,
        commodity: s.commodity,
        unit: s.unit,
        priceType: s.priceType,
        currency: s.currency,
        month: r.month,
        d: r.d,
        markets: r.markets,
        pairs: r.pairs,
        subscriptionsPer100: r.coverage,
        credit: credit[r.series],
      };
    }),
    { header: true, columns: [...PANEL_CSV_COLUMNS] },
  );
}
