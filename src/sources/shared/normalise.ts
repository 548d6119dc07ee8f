// Normalisation rules that hold for every source (SOURCES.md, last section).

// The 2009-11-30 redenomination removed two zeros: values dated before this day are in old won.
export const REDENOMINATION_DATE = '2009-12-01';
export const REDENOMINATION_FACTOR = 100;

export interface Redenominated {
  value: number;
  note?: string;
}

// Converts a won value published for `isoDate` into current won.
export function toCurrentWon(value: number, isoDate: string): Redenominated {
  if (isoDate < REDENOMINATION_DATE) {
    return {
      value: value / REDENOMINATION_FACTOR,
      note: `old won: published ${value}, divided by ${REDENOMINATION_FACTOR} (2009-11-30 redenomination)`,
    };
  }
  return { value };
}

const GROUPED = /^\d{1,3}(,\d{3})+(\.\d+)?$/;
const PLAIN = /^\d+(\.\d+)?$/;

export type NumberReading =
  { kind: 'value'; value: number } | { kind: 'missing' } | { kind: 'malformed'; reason: string };

// Reads a published number: thousands commas allowed only in groups of three
// ("1,1150" is malformed), empty and zero mean "not observed".
export function readPublishedNumber(text: string): NumberReading {
  const t = text.trim();
  if (t === '' || t === '-') return { kind: 'missing' };
  if (!GROUPED.test(t) && !PLAIN.test(t)) {
    return { kind: 'malformed', reason: `not a number: "${text}"` };
  }
  const value = Number(t.replace(/,/g, ''));
  if (!Number.isFinite(value))
    return { kind: 'malformed', reason: `not a finite number: "${text}"` };
  if (value === 0) return { kind: 'missing' };
  return { kind: 'value', value };
}

// A calendar date check: "2019-02-30" is not a date.
export { isCalendarDate, isoDate } from '../../common/dates';
