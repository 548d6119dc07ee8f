// Tail probabilities from @stdlib's distribution functions (well-kept, double precision).
// Loaded on first use: together they take about 90 ms to load, which start-up need not pay.
/* eslint-disable @typescript-eslint/no-require-imports */

type Cdf2 = (x: number, a: number) => number;
type Cdf3 = (x: number, a: number, b: number) => number;

let dists: { t: Cdf2; f: Cdf3; normal: Cdf3; chisq: Cdf2; tQuantile: Cdf2 } | undefined;
function load() {
  dists ??= {
    t: require('@stdlib/stats-base-dists-t-cdf') as Cdf2,
    f: require('@stdlib/stats-base-dists-f-cdf') as Cdf3,
    normal: require('@stdlib/stats-base-dists-normal-cdf') as Cdf3,
    chisq: require('@stdlib/stats-base-dists-chisquare-cdf') as Cdf2,
    tQuantile: require('@stdlib/stats-base-dists-t-quantile') as Cdf2,
  };
  return dists;
}

// Two-sided p-value of a t statistic with df degrees of freedom.
// The p-quantile of Student's t with df degrees of freedom (R's qt(p, df)).
export const tQuantile = (p: number, df: number): number => load().tQuantile(p, df);

export const tTwoSided = (t: number, df: number): number => 2 * (1 - load().t(Math.abs(t), df));

// Upper-tail p-value of an F statistic.
export const fUpper = (f: number, df1: number, df2: number): number => 1 - load().f(f, df1, df2);

// Two-sided p-value of a standard normal statistic.
export const zTwoSided = (z: number): number => 2 * (1 - load().normal(Math.abs(z), 0, 1));

export const chisqUpper = (x: number, df: number): number => 1 - load().chisq(x, df);
