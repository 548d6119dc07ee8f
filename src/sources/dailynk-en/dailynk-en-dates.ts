import { isCalendarDate, isoDate } from '../shared/normalise';

// Dates as Daily NK's English reports write them, resolved against the publish date: "Mar. 14",
// "March 14", "as of Sunday", "on the 10th", "the 27th of last month". The year is never written.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

export const MONTH_DAY =
  /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b/i;
export const WEEKDAY =
  /\b(?:as of|on|last)\s+(Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday)\b/i;
export const NTH_LAST_MONTH = /\bthe\s+(\d{1,2})(?:st|nd|rd|th)\s+of\s+last\s+month\b/i;
export const NTH = /\b(?:on|as of)\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b/i;

const parts = (iso: string) => iso.split('-').map(Number) as [number, number, number];
const shift = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

// The first date phrase in the text (by position), as YYYY-MM-DD, never after the publish date;
// null if none.
export function resolveDate(text: string, published: string): string | null {
  const [py, pm, pd] = parts(published);
  const candidates: { at: number; resolve: () => string | null }[] = [];
  const lastMonth = NTH_LAST_MONTH.exec(text);
  if (lastMonth) {
    candidates.push({
      at: lastMonth.index,
      resolve: () => {
        const [y, mo] = pm === 1 ? [py - 1, 12] : [py, pm - 1];
        const d = Number(lastMonth[1]);
        return isCalendarDate(y, mo, d) ? isoDate(y, mo, d) : null;
      },
    });
  }
  const monthDay = MONTH_DAY.exec(text);
  if (monthDay) {
    candidates.push({
      at: monthDay.index,
      resolve: () => {
        const mo = MONTHS.indexOf(monthDay[1].slice(0, 3).toLowerCase()) + 1;
        const d = Number(monthDay[2]);
        const y = mo > pm || (mo === pm && d > pd) ? py - 1 : py;
        return isCalendarDate(y, mo, d) ? isoDate(y, mo, d) : null;
      },
    });
  }
  const weekday = WEEKDAY.exec(text);
  if (weekday) {
    candidates.push({
      at: weekday.index,
      resolve: () => {
        const want = WEEKDAYS.indexOf(weekday[1].toLowerCase());
        const have = new Date(`${published}T00:00:00Z`).getUTCDay();
        return shift(published, -((have - want + 7) % 7));
      },
    });
  }
  const nth = NTH.exec(text);
  if (
    nth &&
    !(
      lastMonth &&
      lastMonth.index <= nth.index &&
      nth.index < lastMonth.index + lastMonth[0].length
    )
  ) {
    candidates.push({
      at: nth.index,
      resolve: () => {
        const d = Number(nth[1]);
        const [y, mo] = d <= pd ? [py, pm] : pm === 1 ? [py - 1, 12] : [py, pm - 1];
        return isCalendarDate(y, mo, d) ? isoDate(y, mo, d) : null;
      },
    });
  }
  if (!candidates.length) return null;
  return candidates.sort((a, b) => a.at - b.at)[0].resolve();
}
