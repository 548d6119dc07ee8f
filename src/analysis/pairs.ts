import { PricePoint } from './dispersion';

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

export function pairSeries(points: PricePoint[], from?: string, to?: string): PairSeries[] {
  const table = logPriceTable(
    points.filter((p) => (!from || p.date >= from) && (!to || p.date <= to)),
  );
  const markets = [...table.keys()].sort();
  const out: PairSeries[] = [];
  for (let i = 0; i < markets.length; i++) {
    for (let j = i + 1; j < markets.length; j++) {
      const pa = table.get(markets[i])!;
      const pb = table.get(markets[j])!;
      const dates = [...pa.keys()].filter((d) => pb.has(d)).sort();
      out.push({
        a: markets[i],
        b: markets[j],
        dates,
        days: dates.map(dayOf),
        q: dates.map((d) => pa.get(d)! - pb.get(d)!),
      });
    }
  }
  return out;
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
