import { monthName, monthNumber } from '../../common/dates';
import { DatedValue, interpolateAt } from '../../coverage/interpolation';
import type { SeriesMonthRow } from './cross-country-panel';

// Staggered adoption of phones across countries: when each country adopted.
// Adoption: a country's adoption month is the first month whose subscriptions per 100 on the 15th
// (interpolated as everywhere) reach `threshold`. A country already at the threshold at its first
// value has no known adoption date ("always", left out of these estimates); one that never reaches
// it within the panel's months is a never-adopter (a control throughout).

export interface Adoption {
  country: string;
  status: 'adopts' | 'never' | 'always';
  month: string | null; // YYYY-MM, the adoption month
  reason: string;
}

export function adoptionMonths(
  subscriptions: Map<string, DatedValue[]>,
  countries: string[],
  threshold: number,
  lastMonth: string,
): Adoption[] {
  return countries.map((country) => {
    const points = subscriptions.get(country) ?? [];
    if (!points.length)
      return { country, status: 'never', month: null, reason: 'no subscriptions series' };
    const first = points[0];
    if (first.value >= threshold)
      return {
        country,
        status: 'always',
        month: null,
        reason: `already ${first.value} per 100 at its first value (${first.date}): when it reached ${threshold} is unknown`,
      };
    for (let i = monthNumber(first.date.slice(0, 7)); i <= monthNumber(lastMonth); i++) {
      const v = interpolateAt(points, `${monthName(i)}-15`);
      if (v !== null && v >= threshold)
        return {
          country,
          status: 'adopts',
          month: monthName(i),
          reason: `${threshold} per 100 first reached in ${monthName(i)}`,
        };
    }
    return {
      country,
      status: 'never',
      month: null,
      reason: `below ${threshold} per 100 up to ${lastMonth}`,
    };
  });
}

// Rows of countries with a known adoption month or none (never): the "always" are left out.
export function usableRows(rows: SeriesMonthRow[], adoption: Adoption[]): SeriesMonthRow[] {
  const at = new Map(adoption.map((a) => [a.country, a]));
  return rows.filter((r) => at.get(r.country)?.status !== 'always');
}
