import { PricePoint } from './dispersion';
import { LIST_MAX } from './report-text';

// Market pairs from price points: for each pair (a < b by id) the dates on which both were
// observed, with q = ln p_a - ln p_b (the law-of-one-price deviation) and |q| (the price gap).

export interface PairSeries {
  a: string;
  b: string;
  dates: string[];
  days: number[]; // days since 1970-01-01
  q: number[];
}

export const MIN_OBSERVATIONS = 20;

export interface Insufficient {
  insufficientData: true;
  observations: number;
  required: number;
  message: string;
}

export const insufficient = (
  what: string,
  observations: number,
  required = MIN_OBSERVATIONS,
): Insufficient => ({
  insufficientData: true,
  observations,
  required,
  message: `insufficient data for ${what}: ${observations} observations, at least ${required} needed`,
});

export const dayOf = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

// Log prices by market and date (non-positive prices skipped).
export function logPriceTable(points: PricePoint[]): Map<string, Map<string, number>> {
  const byMarket = new Map<string, Map<string, number>>();
  for (const p of points) {
    if (!(p.value > 0)) continue;
    let m = byMarket.get(p.market);
    if (!m) byMarket.set(p.market, (m = new Map<string, number>()));
    m.set(p.date, Math.log(p.value));
  }
  return byMarket;
}

// The pairs one at a time, in market order (a < b): a caller that folds them into something
// smaller (the pair regression's columns) never holds every pair's series at once. Each market's
// dates are sorted, and each date parsed, once, not once per pair.
export function* eachPairSeries(
  points: PricePoint[],
  from?: string,
  to?: string,
): Generator<PairSeries> {
  const table = logPriceTable(
    points.filter((p) => (!from || p.date >= from) && (!to || p.date <= to)),
  );
  const markets = [...table.keys()].sort();
  const sortedDates = new Map(markets.map((m) => [m, [...table.get(m)!.keys()].sort()]));
  // each date's day number, parsed once (not once per pair)
  const dayNumber = new Map<string, number>();
  for (const dates of sortedDates.values())
    for (const d of dates) if (!dayNumber.has(d)) dayNumber.set(d, dayOf(d));
  for (let i = 0; i < markets.length; i++) {
    for (let j = i + 1; j < markets.length; j++) {
      const pa = table.get(markets[i])!;
      const pb = table.get(markets[j])!;
      const dates = sortedDates.get(markets[i])!.filter((d) => pb.has(d));
      yield {
        a: markets[i],
        b: markets[j],
        dates,
        days: dates.map((d) => dayNumber.get(d)!),
        q: dates.map((d) => pa.get(d)! - pb.get(d)!),
      };
    }
  }
}

export function pairSeries(points: PricePoint[], from?: string, to?: string): PairSeries[] {
  return [...eachPairSeries(points, from, to)];
}

// Dates on which every one of the markets was observed, with their log prices in market order.
export function balancedLogPanel(
  points: PricePoint[],
  markets: string[],
): { dates: string[]; logPrices: number[][] } {
  const table = logPriceTable(points);
  const dates = [...new Set(points.map((p) => p.date))]
    .filter((d) => markets.every((m) => table.get(m)?.has(d)))
    .sort();
  return { dates, logPrices: dates.map((d) => markets.map((m) => table.get(m)!.get(d)!)) };
}

export interface PairSources {
  pair: string; // "a-b", a < b (ids may hold hyphens themselves: read a and b, never split this)
  a: string;
  b: string;
  dates: number; // dates on which both markets have a value
  from: string;
  to: string;
  sources: Record<string, number>; // source -> dates on which both values came from it ("mixed": from two sources)
}

// Which sources fed which market pair: for every pair with a common date, the dates by the source
// of both values (a date whose two values came from different sources counts as "mixed").
export function pairSources(points: (PricePoint & { source: string })[]): PairSources[] {
  const byMarket = new Map<string, Map<string, string>>();
  for (const p of points) {
    if (!byMarket.has(p.market)) byMarket.set(p.market, new Map());
    byMarket.get(p.market)!.set(p.date, p.source);
  }
  const markets = [...byMarket.keys()].sort();
  const out: PairSources[] = [];
  for (let i = 0; i < markets.length; i++) {
    for (let j = i + 1; j < markets.length; j++) {
      const a = byMarket.get(markets[i])!;
      const b = byMarket.get(markets[j])!;
      const common = [...a.keys()].filter((d) => b.has(d)).sort();
      if (!common.length) continue;
      const sources: Record<string, number> = {};
      for (const d of common) {
        const key = a.get(d) === b.get(d) ? a.get(d)! : 'mixed';
        sources[key] = (sources[key] ?? 0) + 1;
      }
      out.push({
        pair: `${markets[i]}-${markets[j]}`,
        a: markets[i],
        b: markets[j],
        dates: common.length,
        from: common[0],
        to: common[common.length - 1],
        sources,
      });
    }
  }
  return out;
}

// One sentence per source: how many pairs it fed, between which markets (by display name), over
// which dates.
export function pairSourcesSentence(
  pairs: PairSources[],
  nameOf: (market: string) => string = (m) => m,
): string {
  if (!pairs.length) return 'No two markets share a survey date: there is no market pair.';
  const bySource = new Map<string, PairSources[]>();
  for (const p of pairs)
    for (const s of Object.keys(p.sources)) bySource.set(s, [...(bySource.get(s) ?? []), p]);
  const parts = [...bySource.entries()]
    .sort(([a], [b]) => (a === 'mixed' ? 1 : b === 'mixed' ? -1 : a.localeCompare(b)))
    .map(([s, ps]) => {
      const markets = [...new Set(ps.flatMap((p) => [p.a, p.b]))].map(nameOf).sort();
      const dates = ps.map((p) => p.sources[s]);
      const label = s === 'mixed' ? 'values from two different sources on the same date' : s;
      return `${label}: ${ps.length} pair${ps.length > 1 ? 's' : ''} among ${markets.length} markets${markets.length > LIST_MAX ? '' : ` (${markets.join(', ')})`}, ${Math.min(...dates) === Math.max(...dates) ? Math.min(...dates) : `${Math.min(...dates)} to ${Math.max(...dates)}`} common dates each`;
    });
  return `${pairs.length} market pair${pairs.length > 1 ? 's share' : ' shares'} at least one survey date; by the source of both values: ${parts.join('; ')}.`;
}
