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

// Months numbered year·12 + month − 1 ("2019-06" or "2019-06-15" is 24228), and back to "YYYY-MM":
// the alerts, the cross-country adoption dates and the monthly read count months this way.
export const monthNumber = (ym: string): number =>
  Number(ym.slice(0, 4)) * 12 + Number(ym.slice(5, 7)) - 1;
export const monthName = (t: number): string =>
  `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
