import { isCalendarDate, readPublishedNumber, toCurrentWon } from './normalise';

describe('published numbers', () => {
  it.each([
    ['5,120', 5120],
    ['5120', 5120],
    ['1,234,567', 1234567],
    [' 8,040 ', 8040],
    ['12.5', 12.5],
  ])('reads %s as %d', (text, value) => {
    expect(readPublishedNumber(text)).toEqual({ kind: 'value', value });
  });

  it.each(['', '  ', '0', '0.0', '-'])('reads %j as not observed', (text) => {
    expect(readPublishedNumber(text).kind).toBe('missing');
  });

  it.each(['1,1150', '12,34', 'abc', '5,120원', '-5', '1e5', ',120'])(
    'refuses the malformed %j',
    (text) => {
      expect(readPublishedNumber(text).kind).toBe('malformed');
    },
  );
});

describe('redenomination', () => {
  it('divides by 100 before 2009-12-01 only', () => {
    expect(toCurrentWon(2300, '2009-11-30').value).toBe(23);
    expect(toCurrentWon(23, '2009-12-01')).toEqual({ value: 23 });
  });
});

describe('calendar dates', () => {
  it('knows leap years and month lengths', () => {
    expect(isCalendarDate(2012, 2, 29)).toBe(true);
    expect(isCalendarDate(2019, 2, 29)).toBe(false);
    expect(isCalendarDate(2019, 4, 31)).toBe(false);
  });
});
