import { conditionNumber, CONDITION_LIMIT } from '../stats/design-check';
import { tQuantile } from '../stats/distributions';
import { crossProducts } from '../stats/linear-model';
import {
  absorbedDf,
  FixedEffect,
  fitWithin,
  indexGroups,
  indexSortedGroups,
  withinTransform,
} from '../stats/panel-regression';
import { waldF, WaldTest } from '../stats/wald';
import { monthNumber } from '../../common/dates';
import { Adoption, usableRows } from './adoption';
import type { SeriesMonthRow } from './cross-country-panel';

// The TWFE estimators of staggered adoption (pure functions of the series-month panel).
//
// Event study (TWFE): D_sm = α_s + γ_m + Σ_k β_k·1[e_cm = k] + ε with e the whole years since the
// adoption month, floor((month − adoption)/12), leads −5..−1 and lags 0..10, binned at both ends
// (e ≤ −5 is −5, e ≥ 10 is 10), −1 omitted; errors clustered by country (G/(G−1)·(N−1)/(N−K), K the
// dummies kept), t with G − 1 df. The joint test of the leads −5..−2: Wald F = b'V⁻¹b/q with
// F(q, G − 1), impossible when q > G − 1 (the clustered covariance then has rank below q).

export const LEADS = 5;
export const LAGS = 10;

export interface EventCoefficient {
  eventYear: number;
  estimate: number;
  se: number;
  p: number;
  ci95: [number, number];
}

export type EventStudy =
  | {
      identified: true;
      n: number;
      clusters: number;
      coefficients: EventCoefficient[];
      dropped: { eventYear: number; reason: string }[];
      preTrend: WaldTest | { untestable: string };
    }
  | { identified: false; reason: string; n: number; clusters: number };

export function eventYearOf(month: string, adoptionMonth: string): number {
  const e = Math.floor((monthNumber(month) - monthNumber(adoptionMonth)) / 12);
  return Math.max(-LEADS, Math.min(LAGS, e));
}

export function eventStudyTwfe(rows: SeriesMonthRow[], adoption: Adoption[]): EventStudy {
  const use = usableRows(rows, adoption);
  const at = new Map(adoption.map((a) => [a.country, a.month]));
  const country = indexGroups(use.map((r) => r.country));
  const n = use.length;
  if (!adoption.some((a) => a.status === 'adopts'))
    return {
      identified: false,
      reason: 'no country reaches the threshold within the panel',
      n,
      clusters: country.count,
    };
  const series = indexGroups(use.map((r) => r.series));
  const month = indexSortedGroups(use.map((r) => r.month));
  const fes: FixedEffect[] = [
    { name: 'series', groups: series.groups, count: series.count },
    { name: 'month', groups: month.groups, count: month.count },
  ];
  const years: number[] = [];
  for (let k = -LEADS; k <= LAGS; k++) if (k !== -1) years.push(k);
  const dropped: { eventYear: number; reason: string }[] = [];
  const kept: { eventYear: number; col: Float64Array }[] = [];
  for (const k of years) {
    const raw = Float64Array.from(use, (r) => {
      const a = at.get(r.country);
      return a && eventYearOf(r.month, a) === k ? 1 : 0;
    });
    if (!raw.some((x) => x === 1)) {
      dropped.push({ eventYear: k, reason: 'no row at this event year' });
      continue;
    }
    kept.push({ eventYear: k, col: withinTransform(raw, fes) });
  }
  let cols = kept.map((k) => k.col);
  // drop event years collinear with the effects and the others, one at a time from the end
  while (cols.length && !(conditionNumber(crossProducts(cols, cols[0]).xtx) <= CONDITION_LIMIT)) {
    const last = kept.pop()!;
    dropped.push({
      eventYear: last.eventYear,
      reason: 'collinear with the fixed effects and the other event years',
    });
    cols = kept.map((k) => k.col);
  }
  if (!cols.length || country.count < 2)
    return {
      identified: false,
      reason:
        country.count < 2
          ? 'one country: its event years are one value per month, which the month effects absorb'
          : 'no event year keeps variation within the series and month effects',
      n,
      clusters: country.count,
    };
  const y = withinTransform(
    Float64Array.from(use, (r) => r.d),
    fes,
  );
  const fit = fitWithin(y, cols, absorbedDf(fes), {
    kind: 'cluster',
    cluster: { groups: country.groups, count: country.count },
  });
  const df = country.count - 1;
  const q975 = tQuantile(0.975, df);
  const coefficients = kept.map((k, i) => ({
    eventYear: k.eventYear,
    estimate: fit.coef[i],
    se: fit.se[i],
    p: fit.p[i],
    ci95: [fit.coef[i] - q975 * fit.se[i], fit.coef[i] + q975 * fit.se[i]] as [number, number],
  }));
  const leadIdx = kept.map((k, i) => (k.eventYear <= -2 ? i : -1)).filter((i) => i >= 0);
  let preTrend: WaldTest | { untestable: string };
  if (!leadIdx.length) preTrend = { untestable: 'no lead before the year of adoption has rows' };
  else if (leadIdx.length > df)
    preTrend = {
      untestable: `${leadIdx.length} leads and ${country.count} clusters: a clustered covariance of rank at most ${df} cannot test ${leadIdx.length} coefficients jointly`,
    };
  else {
    const w = waldF(
      leadIdx.map((i) => fit.coef[i]),
      leadIdx.map((i) => leadIdx.map((j) => fit.vcov[i][j])),
      df,
    );
    preTrend = w ?? { untestable: 'the clustered covariance of the leads is singular' };
  }
  return {
    identified: true,
    n,
    clusters: country.count,
    coefficients,
    dropped: dropped.sort((a, b) => a.eventYear - b.eventYear),
    preTrend,
  };
}

export type StaticTwfe =
  | {
      identified: true;
      estimate: number;
      se: number;
      p: number;
      ci95: [number, number];
      n: number;
      clusters: number;
    }
  | { identified: false; reason: string; n: number; clusters: number };

// The canonical TWFE difference-in-differences: D_sm = α_s + γ_m + β·1[month ≥ adoption] + ε,
// clustered by country. Under staggered adoption with effects that differ by cohort or grow over
// time it compares later adopters with earlier ones already treated (Goodman-Bacon 2021): shown to
// be set against the robust estimate, never as the answer.
export function staticTwfe(rows: SeriesMonthRow[], adoption: Adoption[]): StaticTwfe {
  const use = usableRows(rows, adoption);
  const at = new Map(adoption.map((a) => [a.country, a.month]));
  const country = indexGroups(use.map((r) => r.country));
  const n = use.length;
  const post = Float64Array.from(use, (r) => {
    const a = at.get(r.country);
    return a && monthNumber(r.month) >= monthNumber(a) ? 1 : 0;
  });
  const fes: FixedEffect[] = [
    { name: 'series', ...indexGroups(use.map((r) => r.series)) },
    { name: 'month', ...indexSortedGroups(use.map((r) => r.month)) },
  ];
  const x = withinTransform(post, fes);
  if (country.count < 2 || !(crossProducts([x], x).xtx[0][0] > 1e-12 * Math.max(1, n)))
    return {
      identified: false,
      reason:
        'the post-adoption indicator has no variation left within the series and month effects',
      n,
      clusters: country.count,
    };
  const y = withinTransform(
    Float64Array.from(use, (r) => r.d),
    fes,
  );
  const fit = fitWithin(y, [x], absorbedDf(fes), {
    kind: 'cluster',
    cluster: { groups: country.groups, count: country.count },
  });
  const q = tQuantile(0.975, country.count - 1);
  return {
    identified: true,
    estimate: fit.coef[0],
    se: fit.se[0],
    p: fit.p[0],
    ci95: [fit.coef[0] - q * fit.se[0], fit.coef[0] + q * fit.se[0]],
    n,
    clusters: country.count,
  };
}
