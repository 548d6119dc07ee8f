import { stringify } from 'csv-stringify/sync';
import type { SeriesAlerts } from './alerts.service';

// The alerts as one flat row per market: the CSV and NDJSON exports and the command line's table.
export const ALERT_COLUMNS = [
  'market',
  'name',
  'monthAssessed',
  'price',
  'eligible',
  'notEligible',
  'alps',
  'alpsClass',
  'trend',
  'sigma',
  'ifpa',
  'ifpaClass',
  'credit',
] as const;

export type AlertRow = Record<(typeof ALERT_COLUMNS)[number], string | number | boolean | null>;

export function alertRows(a: SeriesAlerts): AlertRow[] {
  const credit = a.credits.map((c) => c.credit).join(' ');
  return a.markets.map((m) => ({
    market: m.market,
    name: m.name,
    monthAssessed: m.monthAssessed,
    price: m.price,
    eligible: m.eligibility.eligible,
    notEligible: m.eligibility.eligible ? null : m.eligibility.reason,
    alps: m.alps?.value ?? null,
    alpsClass: m.alps?.class ?? null,
    trend: m.alps?.trend ?? null,
    sigma: m.alps?.sigma ?? null,
    ifpa: m.ifpa?.value ?? null,
    ifpaClass: m.ifpa?.class ?? null,
    credit,
  }));
}

export const alertsCsv = (a: SeriesAlerts): string =>
  stringify(
    alertRows(a).map((r) => ({ ...r, eligible: String(r.eligible) })),
    { header: true, columns: [...ALERT_COLUMNS] },
  );
