import { readFixture } from '../../../test/helpers/markets';
import { LayoutChangedError } from '../source.error';
import { parseDailyNkKoreanTable } from './dailynk-ko.parser';

const page = readFixture('sources', 'dailynk-ko', 'market-table.html');
const expected = JSON.parse(readFixture('sources', 'dailynk-ko', 'market-table.expected.json')) as {
  missing: number;
  observations: [string, string, string, string, number, string][];
  rejected: [string, string][];
};

describe('Daily NK Korean legacy table parser', () => {
  const r = parseDailyNkKoreanTable(page);

  it('reads every weekly row into the expected observations', () => {
    expect(
      r.observations.map((o) => [
        o.marketId,
        o.commodityId,
        o.periodStart,
        o.periodEnd,
        o.value,
        o.rawValue,
      ]),
    ).toEqual(expected.observations);
    expect(r.missing).toBe(expected.missing);
    expect(r.rejected.map((x) => [x.location, x.rawValue])).toEqual(expected.rejected);
  });

  it('stores the week as period start and end, the start as the survey date', () => {
    expect(r.observations[6]).toMatchObject({
      surveyDate: '2015-03-05',
      periodStart: '2015-03-05',
      periodEnd: '2015-03-11',
      unit: 'KPW/USD',
    });
  });

  it('drops the sign-less change column instead of reading it as a number', () => {
    const hyesanRice = r.observations.find(
      (o) => o.marketId === 'hyesan' && o.commodityId === 'rice' && o.surveyDate === '2015-03-05',
    )!;
    expect(hyesanRice.value).toBe(5400); // "5400 (100)": not 5400100, not 5300 or 5500
  });

  it('divides old-won values before 2009-12-01 by 100', () => {
    expect(r.observations[0]).toMatchObject({
      value: 38,
      qualityNotes: expect.stringMatching(/old won/),
    });
  });

  it('takes the yuan rate from the comment row where it names a city, and refuses an implausible one', () => {
    expect(
      r.observations.filter((o) => o.commodityId === 'cny').map((o) => [o.marketId, o.value]),
    ).toEqual([
      ['hyesan', 1320],
      ['sinuiju', 1250],
    ]);
    expect(r.rejected.find((x) => x.rawValue === '평양 1만2천원')!.reason).toMatch(
      /implausible yuan rate: the same week's dollar rate is 8010/,
    );
    // a rice price named with a city in the comment is not a yuan rate
    expect(r.observations.some((o) => o.commodityId === 'cny' && o.value === 5350)).toBe(false);
  });

  it('rejects a period that ends before it starts', () => {
    expect(r.rejected.filter((x) => x.reason.startsWith('bad period'))).toHaveLength(6);
  });

  it('calls a page without weekly rows a layout change', () => {
    expect(() => parseDailyNkKoreanTable('<html><body><p>점검 중</p></body></html>')).toThrow(
      LayoutChangedError,
    );
    expect(() =>
      parseDailyNkKoreanTable('<table><tr><td>15-03-05 ~ 15-03-11</td><td>1</td></tr></table>'),
    ).toThrow(/no weekly row/);
  });
});
