import { sampleCorrelation } from 'simple-statistics';
import { distanceKm } from '../coverage/tower-coverage';
import { insufficient, Insufficient, MIN_OBSERVATIONS, PairSeries, logPriceTable } from './pairs';
import { PricePoint } from './dispersion';
import { holmAdjust } from './stats/multiple-testing';
import { granger, GrangerResult, grangerLagsByBic, halfLife, HalfLife } from './stats/time-series';

export type AdjustedGranger = GrangerResult & { pHolm: number };

// The trade network: which market pairs move together and which market's prices move first.

export interface NetworkEdge {
  a: string;
  b: string;
  observations: number;
  distanceKm: number | null;
  correlation: number | null; // of Δ ln p between consecutive common dates (Pearson, sample)
  halfLife: HalfLife | Insufficient;
  // lags by BIC, up to 4; pHolm: Holm-adjusted over every pair and direction of the network
  granger: { aToB: AdjustedGranger; bToA: AdjustedGranger } | Insufficient;
  // the one whose past predicts the other's (Holm-adjusted p < 0.05) and not the reverse: its price
  // changes precede the other's (Granger), which is not evidence that it causes them
  leader: string | null;
}

export interface NetworkNode {
  market: string;
  leads: number; // pairs it leads
  ledBy: number;
}

export const GRANGER_MAX_LAG = 4;
export const SIGNIFICANCE = 0.05;

export function tradeNetwork(
  points: PricePoint[],
  pairs: PairSeries[],
  coordinates: Map<string, { latitude: number; longitude: number }>,
): { edges: NetworkEdge[]; nodes: NetworkNode[] } {
  const table = logPriceTable(points);
  const edges: NetworkEdge[] = pairs.map((p) => {
    const ca = coordinates.get(p.a);
    const cb = coordinates.get(p.b);
    const pa = table.get(p.a)!;
    const pb = table.get(p.b)!;
    const da = p.dates.slice(1).map((d, i) => pa.get(d)! - pa.get(p.dates[i])!);
    const db = p.dates.slice(1).map((d, i) => pb.get(d)! - pb.get(p.dates[i])!);
    const enough = p.dates.length >= MIN_OBSERVATIONS;
    let g: NetworkEdge['granger'] = insufficient('Granger causality', p.dates.length);
    if (enough) {
      const lagsAB = grangerLagsByBic(da, db, GRANGER_MAX_LAG);
      const lagsBA = grangerLagsByBic(db, da, GRANGER_MAX_LAG);
      g = {
        aToB: { ...granger(da, db, lagsAB), pHolm: NaN },
        bToA: { ...granger(db, da, lagsBA), pHolm: NaN },
      };
    }
    return {
      a: p.a,
      b: p.b,
      observations: p.dates.length,
      distanceKm: ca && cb ? distanceKm(ca, cb) : null,
      correlation: da.length >= 3 ? sampleCorrelation(da, db) : null,
      halfLife: enough ? halfLife(p.q, p.days) : insufficient('an AR(1) half-life', p.dates.length),
      granger: g,
      leader: null as string | null,
    };
  });
  // one family: every pair, both directions (testing many pairs finds some "leader" by chance)
  const tested = edges.flatMap((e) =>
    'aToB' in e.granger ? [e.granger.aToB, e.granger.bToA] : [],
  );
  holmAdjust(tested.map((t) => t.p)).forEach((p, i) => (tested[i].pHolm = p));
  for (const e of edges) {
    if (!('aToB' in e.granger)) continue;
    const { aToB, bToA } = e.granger;
    if (aToB.pHolm < SIGNIFICANCE && bToA.pHolm >= SIGNIFICANCE) e.leader = e.a;
    if (bToA.pHolm < SIGNIFICANCE && aToB.pHolm >= SIGNIFICANCE) e.leader = e.b;
  }
  const markets = [...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort();
  const nodes = markets.map((m) => ({
    market: m,
    leads: edges.filter((e) => e.leader === m).length,
    ledBy: edges.filter((e) => e.leader !== null && e.leader !== m && (e.a === m || e.b === m))
      .length,
  }));
  return { edges, nodes };
}
