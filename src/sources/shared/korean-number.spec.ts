import fc from 'fast-check';
import { readKoreanNumber, toMyriadNotation } from './korean-number';

describe('Korean price notation', () => {
  it.each([
    ['1만700원', 10_700],
    ['2만원', 20_000],
    ['6,100원', 6100],
    ['5100', 5100],
    ['1만 2천 5백원', 12_500],
    ['1만 2천 500원', 12_500],
    ['2천50원', 2050],
    ['3천원', 3000],
    ['천5백원', 1500],
    ['12만', 120_000],
    ['１만７００원', 10_700], // full-width digits, NFKC
  ])('reads %s as %d', (text, value) => {
    expect(readKoreanNumber(text)).toEqual({ kind: 'value', value, approximate: false });
  });

  it('marks an "about" value as approximate', () => {
    expect(readKoreanNumber('약1,010원')).toEqual({
      kind: 'value',
      value: 1010,
      approximate: true,
    });
  });

  it.each(['', '원', '1만2만원', 'abc', '1,1150원', '만만', '12천원', '2천5000원', '1만12000원'])(
    'refuses %j',
    (text) => {
      expect(readKoreanNumber(text).kind).toBe('malformed');
    },
  );

  it('reads back any whole number written in myriad notation (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999 }), (n) => {
        const r = readKoreanNumber(toMyriadNotation(n));
        return r.kind === 'value' && r.value === n;
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back any whole number written with thousands commas (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), (n) => {
        const r = readKoreanNumber(`${n.toLocaleString('en-US')}원`);
        return r.kind === 'value' && r.value === n;
      }),
      { numRuns: 2000 },
    );
  });
});
