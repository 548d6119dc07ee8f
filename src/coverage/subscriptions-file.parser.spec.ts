import { readFixture } from '../../test/helpers/markets';
import { parseSubscriptionFile } from './subscriptions-file.parser';

describe('mobile subscription files', () => {
  it('reads the World Bank WDI layout: countries only, empty years skipped', () => {
    const f = parseSubscriptionFile(
      readFixture('wdi', 'API_IT.CEL.SETS.P2_DS2_en_csv_v2_sample.csv'),
    );
    expect(f.shape).toBe('wdi');
    const col = f.points.filter((p) => p.country === 'COL');
    expect(col).toHaveLength(17); // 2005-2022 without 2018
    expect(col.find((p) => p.year === 2020)).toEqual({ country: 'COL', year: 2020, value: 97.5 });
    expect(f.points.some((p) => p.year === 2018 && p.country === 'COL')).toBe(false);
    expect(f.rejected).toEqual([
      { row: 8, reason: 'WLD is not an ISO 3166-1 alpha-3 country (an aggregate?)' },
    ]);
  });

  it('reads a long country,year,value file, refusing bad rows with reasons', () => {
    const f = parseSubscriptionFile(readFixture('wdi', 'subscriptions-long.csv'));
    expect(f).toEqual({
      shape: 'long',
      points: [{ country: 'COL', year: 2023, value: 110.5 }],
      rejected: [
        { row: 3, reason: 'value "abc" is not a non-negative number' },
        { row: 4, reason: 'XYZ is not an ISO 3166-1 alpha-3 country' },
      ],
    });
  });

  it('refuses a file of neither shape, saying what it expected', () => {
    expect(() => parseSubscriptionFile('a,b\n1,2\n')).toThrow(/neither the World Bank WDI layout/);
  });
});
