// Calendar days as YYYY-MM-DD strings: the date helpers every layer shares (sources, api, analysis).

// A real day of the proleptic Gregorian calendar (2019-02-30 is not).
export function isCalendarDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

export function isoDate(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// A string written YYYY-MM-DD that names a real day.
export function isIsoDay(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return !!m && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

// Months numbered year·12 + month − 1 ("2019-06" or "2019-06-15" is 24233), and back to "YYYY-MM":
// the alerts, the cross-country adoption dates and the monthly read count months this way.
export const monthNumber = (ym: string): number =>
  Number(ym.slice(0, 4)) * 12 + Number(ym.slice(5, 7)) - 1;
export const monthName = (t: number): string =>
  `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;

// A day (days since 1970-01-01, negative before) as its month (year·12 + month − 1) and day of
// the month (from 0), by whole-number arithmetic (H. Hinnant's civil_from_days) instead of a Date
// per day: the monthly read numbers millions of days.
export function monthAndDayOf(day: number): { month: number; dom: number } {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097; // day of the 400-year era, 0..146096
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)); // from 1 March
  const mp = Math.floor((5 * doy + 2) / 153);
  const dom = doy - Math.floor((153 * mp + 2) / 5);
  const m = mp < 10 ? mp + 2 : mp - 10; // 0 = January
  const year = yoe + era * 400 + (m < 2 ? 1 : 0);
  return { month: year * 12 + m, dom };
}
