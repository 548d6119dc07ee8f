import { gridDates, interpolateAt } from './interpolation';

const itu = [
  { date: '2008-12-31', value: 0 },
  { date: '2009-12-31', value: 0.2784 },
  { date: '2017-12-31', value: 14.76 },
  { date: '2019-12-31', value: 16.33 }, // 2018 missing upstream
];

describe('interpolating the national series', () => {
  it('has no value before the first dated point', () => {
    expect(interpolateAt(itu, '2008-12-30')).toBeNull();
    expect(interpolateAt([], '2010-01-01')).toBeNull();
  });

  it('gives a dated point its own value', () => {
    expect(interpolateAt(itu, '2009-12-31')).toBe(0.2784);
    expect(interpolateAt(itu, '2008-12-31')).toBe(0);
  });

  it('is linear in days between points: 2009-07-02 is 183 of 365 days into 2009', () => {
    expect(interpolateAt(itu, '2009-07-02')).toBeCloseTo((0.2784 * 183) / 365, 12);
  });

  it('bridges the missing 2018 linearly: 2018-12-31 is 365 of 730 days from 2017-12-31', () => {
    expect(interpolateAt(itu, '2018-12-31')).toBeCloseTo(14.76 + (365 / 730) * (16.33 - 14.76), 12);
  });

  it('stays flat after the last point', () => {
    expect(interpolateAt(itu, '2025-06-01')).toBe(16.33);
  });
});

describe('grid dates', () => {
  it('steps by day, month end and year end', () => {
    expect(gridDates('2020-02-27', '2020-03-01', 'day')).toEqual([
      '2020-02-27',
      '2020-02-28',
      '2020-02-29',
      '2020-03-01',
    ]);
    expect(gridDates('2019-11-15', '2020-03-01', 'month')).toEqual([
      '2019-11-30',
      '2019-12-31',
      '2020-01-31',
      '2020-02-29',
    ]);
    expect(gridDates('2009-06-01', '2012-12-31', 'year')).toEqual([
      '2009-12-31',
      '2010-12-31',
      '2011-12-31',
      '2012-12-31',
    ]);
    expect(gridDates('2012-01-01', '2011-01-01', 'day')).toEqual([]);
  });
});
