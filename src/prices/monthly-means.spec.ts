import { MarketGroup, marketMonthlyMeans, monthlyMeans, MonthNames } from './monthly-means';

// days since 1970-01-01 of a UTC date
const d = (iso: string) =>
  Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 864e5;
const group = (rank: number, rows: [string, number][]): MarketGroup => ({
  rank,
  day: Int32Array.from(rows.map(([day]) => d(day))),
  value: Float64Array.from(rows.map(([, v]) => v)),
});
const month = (ym: string) => +ym.slice(0, 4) * 12 + +ym.slice(5, 7) - 1;

describe('monthly means by market', () => {
  const markets = new Map<string, MarketGroup[]>([
    [
      'b-town',
      [
        // out of day order, two days in March, a price of zero left out
        group(2, [
          ['2020-03-20', 30],
          ['2020-01-10', 10],
          ['2020-03-05', 20],
          ['2020-02-01', 0],
        ]),
        // the preferred source (rank 1) on 2020-03-05 wins over rank 2's 20
        group(1, [['2020-03-05', 26]]),
      ],
    ],
    [
      'a-town',
      [
        group(1, [['2020-02-15', 7]]),
        // the same rank and day in a second group (another price flag): the first group's stands
        group(1, [
          ['2020-02-15', 9],
          ['2020-04-15', -1],
        ]),
      ],
    ],
    ['c-town', [group(1, [['2020-05-01', 0]])]], // no price above zero: left out
  ]);

  it("takes each day's preferred price, then the mean of the month's days", () => {
    const out = marketMonthlyMeans(markets);
    // markets in order of their first month, then id
    expect(out.map((m) => m.market)).toEqual(['b-town', 'a-town']);
    expect([...out[0].t]).toEqual([month('2020-01'), month('2020-03')]);
    expect([...out[0].price]).toEqual([10, (26 + 30) / 2]);
    expect(out[0].mask).toBe(0b11);
    expect([...out[1].t]).toEqual([month('2020-02')]);
    expect([...out[1].price]).toEqual([7]);
    expect(out[1].mask).toBe(0b01);
  });

  it('gives the same values as rows by month then market', () => {
    const rows = monthlyMeans(markets, new MonthNames())!;
    expect(rows.month).toEqual(['2020-01', '2020-02', '2020-03']);
    expect(rows.market).toEqual(['b-town', 'a-town', 'b-town']);
    expect(rows.price).toEqual([10, 7, 28]);
    expect(rows.mask).toBe(0b11);
    expect(monthlyMeans(new Map([['c-town', markets.get('c-town')!]]), new MonthNames())).toBe(
      undefined,
    );
  });
});
