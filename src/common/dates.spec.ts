import { monthAndDayOf, monthName, monthNumber } from './dates';

describe('monthAndDayOf', () => {
  it('agrees with the calendar on every day from 1800 to 2200', () => {
    const from = Date.UTC(1800, 0, 1) / 86_400_000;
    const to = Date.UTC(2200, 11, 31) / 86_400_000;
    let wrong = 0;
    for (let day = from; day <= to; day++) {
      const d = new Date(day * 86_400_000);
      const { month, dom } = monthAndDayOf(day);
      if (month !== d.getUTCFullYear() * 12 + d.getUTCMonth() || dom !== d.getUTCDate() - 1)
        wrong++;
    }
    expect(wrong).toBe(0);
    expect(monthAndDayOf(0)).toEqual({ month: 1970 * 12, dom: 0 });
    expect(monthAndDayOf(-1)).toEqual({ month: 1969 * 12 + 11, dom: 30 });
    expect(monthName(monthAndDayOf(Date.UTC(2024, 1, 29) / 86_400_000).month)).toBe('2024-02');
    expect(monthNumber('2019-06-15')).toBe(24233);
  });
});
