// The view's state lives in the URL (?country=PRK&commodity=rice&...), so a view can be shared,
// bookmarked and reloaded exactly.

export const MEASURES = ['cv', 'sdLog', 'meanAbsLogDiff'] as const;
export type Measure = (typeof MEASURES)[number];

export interface State {
  country: string;
  commodity: string;
  unit?: string;
  priceType?: string;
  currency?: string;
  from?: string;
  to?: string;
  measure: Measure;
  log: boolean;
  market?: string; // the market picked on the map, highlighted in the prices chart
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function readState(search = window.location.search): State {
  const q = new URLSearchParams(search);
  const measure = q.get('measure');
  const day = (k: string) => {
    const v = q.get(k);
    return v && DAY.test(v) ? v : undefined;
  };
  return {
    country: (q.get('country') ?? 'PRK').toUpperCase(),
    commodity: q.get('commodity') ?? 'rice',
    unit: q.get('unit') ?? undefined,
    priceType: q.get('priceType') ?? undefined,
    currency: q.get('currency') ?? undefined,
    from: day('from'),
    to: day('to'),
    measure: MEASURES.includes(measure as Measure) ? (measure as Measure) : 'cv',
    log: q.get('log') === 'true',
    market: q.get('market') ?? undefined,
  };
}

export function toQuery(s: State): string {
  const q = new URLSearchParams();
  q.set('country', s.country);
  q.set('commodity', s.commodity);
  if (s.unit) q.set('unit', s.unit);
  if (s.priceType) q.set('priceType', s.priceType);
  if (s.currency) q.set('currency', s.currency);
  if (s.from) q.set('from', s.from);
  if (s.to) q.set('to', s.to);
  if (s.measure !== 'cv') q.set('measure', s.measure);
  if (s.log) q.set('log', 'true');
  if (s.market) q.set('market', s.market);
  return `?${q.toString()}`;
}

export function writeState(s: State): void {
  const next = toQuery(s);
  if (next !== window.location.search) window.history.pushState(null, '', next);
}
