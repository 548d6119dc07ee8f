// Interpolating a dated series (e.g. ITU subscriptions per 100, dated December 31 of their year).

export interface DatedValue {
  date: string; // YYYY-MM-DD
  value: number;
}

const DAY_MS = 86_400_000;
export const dayNumber = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
export const isoOfDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

// Value at `date` from points sorted by date: none (null) before the first point, linear in calendar
// days between the two points around it (a missing year is bridged the same way), the last value
// flat after the last point. A date equal to a point's date gets that point's value.
export function interpolateAt(points: DatedValue[], date: string): number | null {
  if (points.length === 0 || date < points[0].date) return null;
  const last = points[points.length - 1];
  if (date >= last.date) return last.value;
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid].date <= date) lo = mid;
    else hi = mid;
  }
  const a = points[lo];
  const b = points[hi];
  const t = (dayNumber(date) - dayNumber(a.date)) / (dayNumber(b.date) - dayNumber(a.date));
  return a.value + t * (b.value - a.value);
}

export type Interval = 'day' | 'month' | 'year';

// The dates of a regular grid from `from` to `to` (inclusive): every day, or the last day of every
// month or year that ends within the range (year ends match ITU's December 31 dating).
export function gridDates(from: string, to: string, interval: Interval): string[] {
  const out: string[] = [];
  if (from > to) return out;
  if (interval === 'day') {
    for (let d = dayNumber(from); d <= dayNumber(to); d++) out.push(isoOfDay(d));
    return out;
  }
  const [fy, fm] = from.split('-').map(Number);
  for (let y = fy, m = interval === 'year' ? 12 : fm; ;) {
    const end = isoOfDay(Date.UTC(y, m, 0) / DAY_MS); // day 0 of the next month = last day of m
    if (end > to) break;
    if (end >= from) out.push(end);
    if (interval === 'year') y++;
    else if (m === 12) {
      y++;
      m = 1;
    } else m++;
  }
  return out;
}
