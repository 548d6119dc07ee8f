import { isCalendarDate } from '../../common/dates';

// Rules every price-file format applies the same way.

// Markets that are averages of other markets: WFP's "National Average", "National Average (excl.
// capital)", "Total", and Bangladesh's division markets ("Dhaka Division") beside its district
// markets. They are stored as regions: market statistics leave them out unless a request names
// them (markets=), and the market list shows their kind.
const AVERAGE = /\baverage\b|\(excl\.|^total$|\bdivision$/i;
export const isAverageMarket = (name: string): boolean => AVERAGE.test(name.trim());

// WFP's market monitoring starts in the 1990s, so a date before 1970 is a placeholder (Bangladesh's
// file has one row dated 1900-08-15 among 1998-2025), and a date more than 45 days after the import
// is not a price yet: both are refused with the reason, never stored.
export const EARLIEST_PRICE_DATE = '1970-01-01';
const LATEST_AHEAD_DAYS = 45;

function refusalOf(date: string, today: Date): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])))
    return `date: "${date}" is not a calendar date written YYYY-MM-DD`;
  if (date < EARLIEST_PRICE_DATE)
    return `date: ${date} is decades before any market price survey (a placeholder date?)`;
  const latest = new Date(today.getTime() + LATEST_AHEAD_DAYS * 86_400_000)
    .toISOString()
    .slice(0, 10);
  if (date > latest)
    return `date: ${date} is after the import (${today.toISOString().slice(0, 10)})`;
  return null;
}

// A file repeats a few hundred dates over a million rows, and the verdict on a date changes only
// with the day it is judged on: verdicts are kept per (day, date) (bounded, like the parsers'
// slugs). Judging each row afresh was a tenth of a 1M-row import's CPU time (two Dates, two ISO
// strings and a regular expression per row).
const VERDICTS = new Map<string, string | null>();
let verdictsDay = NaN;

export function dateRefusal(date: string, today?: Date): string | null {
  if (today !== undefined) return refusalOf(date, today);
  const now = Date.now();
  const day = Math.floor(now / 86_400_000);
  if (day !== verdictsDay || VERDICTS.size >= 100_000) {
    VERDICTS.clear();
    verdictsDay = day;
  }
  let verdict = VERDICTS.get(date);
  if (verdict === undefined) {
    verdict = refusalOf(date, new Date(now));
    VERDICTS.set(date, verdict);
  }
  return verdict;
}

// WFP's price flag: "forecast" rows are WFP's own projections, not observations (HDX's scraper
// drops them too); "aggregate" is a month's price computed from the market's own weekly prices, a
// real market price kept with its flag.
export const isForecast = (flag: string): boolean => /forecast/i.test(flag);
