import { SE_FLOOR } from '../stats/design-check';
import { waldF, WaldTest } from '../stats/wald';
import { Adoption, usableRows } from './adoption';
import type { SeriesMonthRow } from './cross-country-panel';

// The heterogeneity-robust estimator of staggered adoption (pure).
//
// Callaway and Sant'Anna (2021), without covariates, not-yet-treated controls, at the series-year
// level: Y_sy = the mean of D over the series' months in year y; cohort g = the adoption year. For
// each cohort g and year t ≠ g − 1, base b = g − 1 when t ≥ g, else t − 1 (the "varying" base);
//   ATT(g, t) = mean over the cohort's series of (Y_t − Y_b) − the same over control series,
// controls: never-adopters and cohorts g' ≠ g with g' > max(t, b), each series with Y at t and b.
// Aggregations with weights proportional to the cohorts' series counts (taken as fixed): simple
// (every cell t ≥ g) and dynamic θ(e) = Σ_g w_g ATT(g, g + e). Standard errors from the influence
// functions, ψ_i = (ΔY_i − mean_T)/n_T for treated and −(ΔY_j − mean_C)/n_C for control series,
// summed by country and squared (clustered by country), z-based intervals; the joint test of
// θ(e) for e < 0 is a Wald F(q, G − 1) on their clustered covariance.

export interface AttCell {
  cohort: number; // adoption year
  year: number;
  eventYear: number;
  base: number;
  att: number | null;
  treated: number; // series
  controls: number;
  reason?: string;
}

export interface Aggregate {
  estimate: number;
  se: number | null; // null: the clustered variance is zero by construction (see seNote)
  ci95: [number, number] | null;
  cells: number;
  seNote?: string;
}

export interface CallawaySantAnna {
  identified: boolean;
  reason?: string;
  cohorts: { cohort: number; series: number; countries: string[] }[];
  cells: AttCell[];
  simple: Aggregate | null;
  dynamic: (Aggregate & { eventYear: number })[];
  preTrend: WaldTest | { untestable: string } | null;
  clusters: number;
}

const Z975 = 1.959963984540054;

export function callawaySantAnna(rows: SeriesMonthRow[], adoption: Adoption[]): CallawaySantAnna {
  const status = new Map(adoption.map((a) => [a.country, a]));
  const use = usableRows(rows, adoption);
  // Y by series and year, and each series' country and cohort (Infinity: never adopts)
  const sums = new Map<number, Map<number, { s: number; n: number }>>();
  const countryOf = new Map<number, string>();
  for (const r of use) {
    const y = Number(r.month.slice(0, 4));
    let m = sums.get(r.series);
    if (!m) sums.set(r.series, (m = new Map<number, { s: number; n: number }>()));
    const c = m.get(y) ?? { s: 0, n: 0 };
    c.s += r.d;
    c.n += 1;
    m.set(y, c);
    countryOf.set(r.series, r.country);
  }
  const Y = new Map(
    [...sums].map(([s, m]) => [s, new Map([...m].map(([y, c]) => [y, c.s / c.n]))]),
  );
  const cohortOf = (s: number): number => {
    const a = status.get(countryOf.get(s)!);
    return a?.status === 'adopts' ? Number(a.month!.slice(0, 4)) : Infinity;
  };
  const allSeries = [...Y.keys()].sort((a, b) => a - b);
  const countries = [...new Set(allSeries.map((s) => countryOf.get(s)!))].sort();
  const cIndex = new Map(countries.map((c, i) => [c, i]));
  const years = [...new Set(use.map((r) => Number(r.month.slice(0, 4))))].sort((a, b) => a - b);
  const cohortList = [...new Set(allSeries.map(cohortOf).filter(Number.isFinite))].sort(
    (a, b) => a - b,
  );
  const cohorts = cohortList.map((g) => {
    const members = allSeries.filter((s) => cohortOf(s) === g);
    return {
      cohort: g,
      series: members.length,
      countries: [...new Set(members.map((s) => countryOf.get(s)!))].sort(),
    };
  });
  const empty = (reason: string): CallawaySantAnna => ({
    identified: false,
    reason,
    cohorts,
    cells: [],
    simple: null,
    dynamic: [],
    preTrend: null,
    clusters: countries.length,
  });
  if (!cohorts.length) return empty('no country reaches the threshold within the panel');

  // every cell's ATT and its influence function summed by country
  const cells: (AttCell & { psi: Float64Array })[] = [];
  for (const g of cohortList) {
    for (const t of years) {
      if (t === g - 1) continue;
      const b = t >= g ? g - 1 : t - 1;
      const diff = (s: number) => {
        const yt = Y.get(s)!.get(t);
        const yb = Y.get(s)!.get(b);
        return yt === undefined || yb === undefined ? null : yt - yb;
      };
      const treated: [number, number][] = [];
      const controls: [number, number][] = [];
      for (const s of allSeries) {
        const d = diff(s);
        if (d === null) continue;
        const gs = cohortOf(s);
        if (gs === g) treated.push([s, d]);
        else if (gs > Math.max(t, b)) controls.push([s, d]);
      }
      const base = { cohort: g, year: t, eventYear: t - g, base: b };
      if (!treated.length || !controls.length) {
        cells.push({
          ...base,
          att: null,
          treated: treated.length,
          controls: controls.length,
          reason: !treated.length
            ? `no series of the ${g} cohort has a value in both ${b} and ${t}`
            : `no not-yet-adopted series has a value in both ${b} and ${t}`,
          psi: new Float64Array(countries.length),
        });
        continue;
      }
      const mT = treated.reduce((a, [, d]) => a + d, 0) / treated.length;
      const mC = controls.reduce((a, [, d]) => a + d, 0) / controls.length;
      const psi = new Float64Array(countries.length);
      for (const [s, d] of treated)
        psi[cIndex.get(countryOf.get(s)!)!] += (d - mT) / treated.length;
      for (const [s, d] of controls)
        psi[cIndex.get(countryOf.get(s)!)!] -= (d - mC) / controls.length;
      cells.push({
        ...base,
        att: mT - mC,
        treated: treated.length,
        controls: controls.length,
        psi,
      });
    }
  }
  const size = new Map(cohorts.map((c) => [c.cohort, c.series]));
  const aggregate = (chosen: typeof cells): { value: Aggregate; psi: Float64Array } | null => {
    const ok = chosen.filter((c) => c.att !== null);
    if (!ok.length) return null;
    const total = ok.reduce((a, c) => a + size.get(c.cohort)!, 0);
    const psi = new Float64Array(countries.length);
    let estimate = 0;
    for (const c of ok) {
      const w = size.get(c.cohort)! / total;
      estimate += w * c.att!;
      for (let i = 0; i < psi.length; i++) psi[i] += w * c.psi[i];
    }
    const se = Math.sqrt(psi.reduce((a, x) => a + x * x, 0));
    // one country on each side of every comparison: its deviations sum to zero within the country,
    // so the clustered variance is zero by construction, not a precise estimate
    if (!(se > SE_FLOOR * Math.max(Math.abs(estimate), 1e-300)))
      return {
        value: {
          estimate,
          se: null,
          ci95: null,
          cells: ok.length,
          seNote:
            'not estimable: every comparison has one country on a side, whose clustered variance is zero by construction',
        },
        psi,
      };
    return {
      value: { estimate, se, ci95: [estimate - Z975 * se, estimate + Z975 * se], cells: ok.length },
      psi,
    };
  };
  const simple = aggregate(cells.filter((c) => c.year >= c.cohort));
  const eventYears = [...new Set(cells.map((c) => c.eventYear))].sort((a, b) => a - b);
  const dynamicFull = eventYears
    .map((e) => ({ e, agg: aggregate(cells.filter((c) => c.eventYear === e)) }))
    .filter((d) => d.agg !== null);
  const pre = dynamicFull.filter((d) => d.e < 0);
  const G = countries.length;
  let preTrend: CallawaySantAnna['preTrend'] = null;
  if (!pre.length) preTrend = { untestable: 'no year before adoption has a comparison' };
  else if (pre.length > G - 1)
    preTrend = {
      untestable: `${pre.length} pre-adoption years and ${G} clusters: a clustered covariance of rank at most ${G - 1} cannot test them jointly`,
    };
  else {
    const v = pre.map((a) =>
      pre.map((b) => a.agg!.psi.reduce((s, x, i) => s + x * b.agg!.psi[i], 0)),
    );
    preTrend = waldF(
      pre.map((d) => d.agg!.value.estimate),
      v,
      G - 1,
    ) ?? { untestable: 'the clustered covariance of the pre-adoption effects is singular' };
  }
  return {
    identified: simple !== null,
    reason: simple === null ? 'no cohort has a comparison after its adoption' : undefined,
    cohorts,
    cells: cells.map(({ psi: _psi, ...c }) => c),
    simple: simple?.value ?? null,
    dynamic: dynamicFull.map((d) => ({ eventYear: d.e, ...d.agg!.value })),
    preTrend,
    clusters: G,
  };
}
