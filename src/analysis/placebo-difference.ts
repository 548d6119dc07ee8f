import { insufficient, Insufficient, MIN_OBSERVATIONS } from './pairs';
import { NotIdentified, PairRegressionSpec, PanelColumns, designFacts } from './pair-regression';
import { checkDesign, checkFit, hasWithinVariation, varyingClusters } from './stats/design-check';
import { crossProducts } from './stats/linear-model';
import { tQuantile } from './stats/distributions';
import {
  absorbedDf,
  FixedEffect,
  fitWithin,
  indexGroups,
  withinTransform,
} from './stats/panel-regression';
import { wildBootstrapper } from './stats/wild-bootstrap';

// The placebo difference, tested in one regression instead of two p-values set side by side. The
// commodity's and the placebo's pair panels are stacked, every fixed effect and every slope is
// the series' own (fully interacted), and the coefficient of coverage × commodity is the
// commodity's coverage coefficient minus the placebo's:
//   gap_sijt = α_si [+ γ_st] + β·cov_ijt + δ·(cov_ijt · C_s) + Σ_k (θ_k x_k + λ_k x_k · C_s) + e
// C_s = 1 for the commodity's rows. Errors are clustered by market pair (both series' rows of a
// pair in one cluster: their errors share the pair's shocks), and the wild cluster bootstrap of δ
// uses the same clusters. With the distance control, distance is centred on the commodity's mean
// pair distance, so β + δ and β are the two series' effects at that distance.

export interface PlaceboDifferenceResult {
  n: number;
  clusters: number; // market pairs, shared by the two series
  fe: PairRegressionSpec['fe'];
  difference: { estimate: number; se: number; t: number; p: number; ci95: [number, number] };
  commodityEffect: number; // β + δ
  placeboEffect: number; // β
  atDistanceKm: number | null; // with the distance control: the distance the effects are at
  dfForTests: number;
  bootstrap: {
    p: number;
    replications: number;
    enumerated: boolean;
    weights: string;
    seed: number;
  } | null;
}

function stackedFe(
  name: string,
  main: Int32Array,
  placebo: Int32Array,
  mainCount: number,
  placeboCount: number,
): FixedEffect {
  const groups = new Int32Array(main.length + placebo.length);
  groups.set(main, 0);
  for (let i = 0; i < placebo.length; i++) groups[main.length + i] = mainCount + placebo[i];
  return { name, groups, count: mainCount + placeboCount };
}

export function placeboDifference(
  main: PanelColumns,
  placebo: PanelColumns,
  spec: PairRegressionSpec,
): PlaceboDifferenceResult | NotIdentified | Insufficient {
  const n1 = main.gap.length;
  const n2 = placebo.gap.length;
  const n = n1 + n2;
  if (n1 < MIN_OBSERVATIONS || n2 < MIN_OBSERVATIONS)
    return insufficient('the placebo difference (rows of each series)', Math.min(n1, n2));
  const isMain = (r: number) => (r < n1 ? 1 : 0);
  const pairKey = indexGroups([...main.pairNames, ...placebo.pairNames]);
  // market pairs as clusters: the same pair name in both series is one cluster
  const cluster = new Int32Array(n);
  for (let r = 0; r < n1; r++) cluster[r] = pairKey.groups[main.pair[r]];
  for (let r = 0; r < n2; r++)
    cluster[n1 + r] = pairKey.groups[main.pairNames.length + placebo.pair[r]];
  const clusters = { groups: cluster, count: pairKey.count };
  const fes: FixedEffect[] = [
    stackedFe('pair', main.pair, placebo.pair, main.pairNames.length, placebo.pairNames.length),
  ];
  const dateOf = (r: number) =>
    r < n1 ? main.dateNames[main.date[r]] : placebo.dateNames[placebo.date[r - n1]];
  if (spec.fe.includes('date'))
    fes.push(
      stackedFe('date', main.date, placebo.date, main.dateNames.length, placebo.dateNames.length),
    );
  if (spec.fe.includes('month')) {
    const m = indexGroups(
      Array.from({ length: n }, (_, r) => `${isMain(r)}:${dateOf(r).slice(5, 7)}`),
    );
    fes.push({ name: 'month', groups: m.groups, count: m.count });
  }
  const coverage = new Float64Array(n);
  coverage.set(main.coverage, 0);
  coverage.set(placebo.coverage, n1);
  const gap = new Float64Array(n);
  gap.set(main.gap, 0);
  gap.set(placebo.gap, n1);
  const raw: { name: string; values: Float64Array }[] = [
    { name: 'coverage_x_commodity', values: coverage.map((c, r) => c * isMain(r)) },
    { name: 'coverage', values: coverage },
  ];
  let atDistanceKm: number | null = null;
  if (spec.controls.includes('border')) {
    const border = Float64Array.from({ length: n }, (_, r) => {
      const d = dateOf(r);
      return d >= spec.borderWindow.from && d <= spec.borderWindow.to ? 1 : 0;
    });
    raw.push({ name: 'border', values: border });
    raw.push({ name: 'border_x_commodity', values: border.map((b, r) => b * isMain(r)) });
  }
  if (spec.controls.includes('distance')) {
    let s = 0;
    for (const d of main.pairDistanceKm) s += d;
    atDistanceKm = s / main.pairDistanceKm.length;
    const centre = atDistanceKm;
    const km = (r: number) =>
      r < n1 ? main.pairDistanceKm[main.pair[r]] : placebo.pairDistanceKm[placebo.pair[r - n1]];
    const dx = Float64Array.from({ length: n }, (_, r) => ((km(r) - centre) / 100) * coverage[r]);
    raw.push({ name: 'distance_x_coverage', values: dx });
    raw.push({ name: 'distance_x_coverage_x_commodity', values: dx.map((v, r) => v * isMain(r)) });
  }
  const y = withinTransform(gap, fes);
  const kept = raw
    .map((c) => ({ name: c.name, raw: c.values, values: withinTransform(c.values, fes) }))
    .filter((c) => hasWithinVariation(c.raw, c.values));
  const design = designFacts(main);
  const notIdentified = (reason: string): NotIdentified => ({
    notIdentified: true,
    reason: `the placebo difference: ${reason}`,
    n,
    pairs: clusters.count,
    dates: new Set([...main.dateNames, ...placebo.dateNames]).size,
    fe: spec.fe,
    design,
  });
  if (kept[0]?.name !== 'coverage_x_commodity' || kept[1]?.name !== 'coverage')
    return notIdentified('coverage has no variation left within the fixed effects');
  const cols = kept.map((k) => k.values);
  const check = checkDesign({
    regressor: 'coverage × commodity',
    varyingClusters: varyingClusters(raw[0].values, cluster, clusters.count),
    xtx: crossProducts(cols, y).xtx,
    names: kept.map((k) => k.name),
  });
  if (!check.identified) return notIdentified(check.reason);
  const fit = fitWithin(y, cols, absorbedDf(fes), { kind: 'cluster', cluster: clusters });
  const afterFit = checkFit('coverage × commodity', fit.coef[0], fit.se[0]);
  if (!afterFit.identified) return notIdentified(afterFit.reason);
  const dfForTests = clusters.count - 1;
  const q = tQuantile(0.975, dfForTests);
  let bootstrap: PlaceboDifferenceResult['bootstrap'] = null;
  if (spec.bootstrap > 0) {
    const boot = wildBootstrapper(y, cols, 0, clusters, spec.bootstrap, spec.seed);
    bootstrap = {
      p: boot.pAt(0),
      replications: boot.meta.replications,
      enumerated: boot.meta.enumerated,
      weights: boot.meta.weights,
      seed: boot.meta.seed,
    };
  }
  return {
    n,
    clusters: clusters.count,
    fe: spec.fe,
    difference: {
      estimate: fit.coef[0],
      se: fit.se[0],
      t: fit.t[0],
      p: fit.p[0],
      ci95: [fit.coef[0] - q * fit.se[0], fit.coef[0] + q * fit.se[0]],
    },
    commodityEffect: fit.coef[0] + fit.coef[1],
    placeboEffect: fit.coef[1],
    atDistanceKm,
    dfForTests,
    bootstrap,
  };
}
