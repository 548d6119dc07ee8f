import { gazetteerMarkets, readFixture } from '../../../test/helpers/markets';
import { LayoutChangedError } from '../source.error';
import { parseDailyNkSheet } from './dailynk-sheet.parser';

const ctx = { markets: gazetteerMarkets() };
const sheet = (name: string) => readFixture('sources', 'dailynk-sheet', name);

interface Expected {
  missing: number;
  rejected: unknown[];
  observations: {
    marketId: string;
    surveyDate: string;
    value: number;
    rawValue: string;
    oldWon: boolean;
  }[];
}

describe('Daily NK sheet parser', () => {
  it('reads the real shape into typed rows, matching the expected rows beside the fixture', () => {
    const expected = JSON.parse(sheet('rice-basic.expected.json')) as Expected;
    const result = parseDailyNkSheet(sheet('rice-basic.csv'), 'rice', ctx);
    expect(result.missing).toBe(expected.missing);
    expect(result.rejected).toEqual(expected.rejected);
    expect(result.observations).toHaveLength(expected.observations.length);
    const byKey = new Map(result.observations.map((o) => [`${o.marketId}|${o.surveyDate}`, o]));
    for (const e of expected.observations) {
      const o = byKey.get(`${e.marketId}|${e.surveyDate}`)!;
      expect(o).toMatchObject({
        commodityId: 'rice',
        unit: 'KPW/kg',
        currency: 'KPW',
        flag: 'observed',
        value: e.value,
        rawValue: e.rawValue,
      });
      expect(o.qualityNotes !== undefined).toBe(e.oldWon);
    }
  });

  it('divides values dated before 2009-12-01 by 100 (old won) and leaves later ones alone', () => {
    const r = parseDailyNkSheet(sheet('rice-basic.csv'), 'rice', ctx).observations;
    const nov = r.find((o) => o.surveyDate === '2009-11-15' && o.marketId === 'pyongyang')!;
    expect(nov.value).toBe(41);
    expect(nov.qualityNotes).toMatch(/old won: published 4100, divided by 100/);
    expect(r.find((o) => o.surveyDate === '2009-12-20' && o.marketId === 'pyongyang')!.value).toBe(
      35,
    );
  });

  it('treats a zero row (the reform week) and empty cells as not observed, never as prices', () => {
    const r = parseDailyNkSheet(sheet('rice-basic.csv'), 'rice', ctx);
    expect(r.observations.filter((o) => o.surveyDate === '2009-12-05')).toHaveLength(0);
    expect(
      r.observations
        .filter((o) => o.surveyDate === '2010-01-10')
        .map((o) => o.marketId)
        .sort(),
    ).toEqual(['hyesan', 'pyongyang']);
    expect(r.missing).toBe(4);
    expect(r.observations.every((o) => o.value > 0)).toBe(true);
  });

  it('maps columns by header name when the column order changes', () => {
    const r = parseDailyNkSheet(sheet('rate-reordered.csv'), 'rate', ctx).observations;
    const at = (m: string) =>
      r.find((o) => o.surveyDate === '2019-03-13' && o.marketId === m)!.value;
    expect(at('hyesan')).toBe(8230);
    expect(at('pyongyang')).toBe(8150);
    expect(at('sinuiju')).toBe(8180);
    expect(r[0]).toMatchObject({ commodityId: 'usd', unit: 'KPW/USD' });
  });

  it('refuses a changed header as a layout change naming the missing cities', () => {
    expect(() => parseDailyNkSheet(sheet('rate-english-header.csv'), 'rate', ctx)).toThrow(
      LayoutChangedError,
    );
    expect(() => parseDailyNkSheet(sheet('rate-english-header.csv'), 'rate', ctx)).toThrow(
      /lacks the city columns 평양, 신의주, 혜산/,
    );
  });

  it('refuses an unknown extra column rather than guessing what it holds', () => {
    expect(() => parseDailyNkSheet(sheet('rate-unknown-column.csv'), 'rate', ctx)).toThrow(
      /unknown column header "비고"/,
    );
  });

  it('accepts an extra column that names a gazetteer city', () => {
    const r = parseDailyNkSheet(sheet('rate-extra-city.csv'), 'rate', ctx).observations;
    expect(r.find((o) => o.marketId === 'hoeryong')!.value).toBe(8300);
  });

  it('rejects malformed numbers, bad dates and repeated dates one value at a time, with reasons', () => {
    const r = parseDailyNkSheet(sheet('rate-bad-cells.csv'), 'rate', ctx);
    expect(r.rejected).toEqual([
      {
        location: 'rate 2019-03-13 pyongyang',
        rawValue: '8,1150',
        reason: 'not a number: "8,1150"',
      },
      ...['8,240', '8,160', '8,200'].map((v) => ({
        location: 'rate row 3',
        rawValue: v,
        reason: 'bad date "19-3-27"',
      })),
      ...['8,240', '8,160', '8,200'].map((v) => ({
        location: 'rate row 4',
        rawValue: v,
        reason: 'bad date "19-02-30"',
      })),
      ...['8,250', '8,170', '8,210'].map((v) => ({
        location: 'rate row 6',
        rawValue: v,
        reason: 'date 2019-04-10 appears twice in the tab',
      })),
    ]);
    expect(r.observations.map((o) => `${o.surveyDate} ${o.marketId} ${o.value}`).sort()).toEqual([
      '2019-03-13 hyesan 8180',
      '2019-03-13 sinuiju 8150',
      '2019-04-10 hyesan 8200',
      '2019-04-10 pyongyang 8240',
      '2019-04-10 sinuiju 8160',
    ]);
  });

  it('calls a sheet with no price at all a layout change, never an empty success', () => {
    expect(() => parseDailyNkSheet(sheet('rate-only-missing.csv'), 'rate', ctx)).toThrow(
      /no price rows found/,
    );
    expect(() => parseDailyNkSheet(sheet('login-page.html'), 'rate', ctx)).toThrow(
      LayoutChangedError,
    );
    expect(() => parseDailyNkSheet('', 'rate', ctx)).toThrow(LayoutChangedError);
  });

  it('parses the shipped archive: 164 rice and 163 rate dates for three cities', () => {
    const rice = parseDailyNkSheet(
      readFixture('..', '..', 'data', 'archive', 'dailynk-sheet', 'rice.csv'),
      'rice',
      ctx,
    );
    const rate = parseDailyNkSheet(
      readFixture('..', '..', 'data', 'archive', 'dailynk-sheet', 'rate.csv'),
      'rate',
      ctx,
    );
    expect(rice.observations).toHaveLength(164 * 3);
    expect(rate.observations).toHaveLength(163 * 3);
    expect(rice.rejected).toEqual([]);
    expect(rice.observations[0]).toMatchObject({
      surveyDate: '2009-08-15',
      marketId: 'pyongyang',
      value: 23,
      rawValue: '2,300',
    });
  });
});
