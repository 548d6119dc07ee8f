// Tail probabilities from @stdlib's distribution functions (well-kept, double precision).
import chisqCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import fCdf from '@stdlib/stats-base-dists-f-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import tCdf from '@stdlib/stats-base-dists-t-cdf';

// Two-sided p-value of a t statistic with df degrees of freedom.
export const tTwoSided = (t: number, df: number): number => 2 * (1 - tCdf(Math.abs(t), df));

// Upper-tail p-value of an F statistic.
export const fUpper = (f: number, df1: number, df2: number): number => 1 - fCdf(f, df1, df2);

// Two-sided p-value of a standard normal statistic.
export const zTwoSided = (z: number): number => 2 * (1 - normalCdf(Math.abs(z), 0, 1));

export const chisqUpper = (x: number, df: number): number => 1 - chisqCdf(x, df);
