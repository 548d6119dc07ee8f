import { readFixture } from '../../../test/helpers/markets';
import { LayoutChangedError } from '../source.error';
import { NORTHERN_BORDER_REGION, parseAsiaPressKoreanTable } from './asiapress-ko.parser';

const page = readFixture('sources', 'asiapress-ko', 'price-table.html');
const expected = JSON.parse(
  readFixture('sources', 'asiapress-ko', 'price-table.expected.json'),
) as {
  missing: number;
  observations: [string, string, number][];
  rejected: [string, string][];
};

describe('Asia Press Korean price table parser', () => {
  const r = parseAsiaPressKoreanTable(page);

  it('reads the expected rows, skipping the interleaved commentary rows', () => {
    expect(r.observations.map((o) => [o.commodityId, o.surveyDate, o.value])).toEqual(
      expected.observations,
    );
    expect(r.rejected.map((x) => [x.location, x.rawValue])).toEqual(expected.rejected);
    expect(r.missing).toBe(expected.missing);
  });

  it('drops the bracketed South Korean won equivalent and keeps the raw cell', () => {
    const rice = r.observations.find(
      (o) => o.commodityId === 'rice' && o.surveyDate === '2022-10-09',
    )!;
    expect(rice).toMatchObject({ value: 6100, rawValue: '6,100원 (약1,010원)', unit: 'KPW/kg' });
  });

  it('reads non-padded YYYY/M/D dates and myriad notation', () => {
    expect(
      r.observations.find((o) => o.commodityId === 'gasoline' && o.surveyDate === '2022-10-23')!
        .value,
    ).toBe(13_000);
  });

  it('models the rows as a regional average, fuel per kg', () => {
    for (const o of r.observations)
      expect(o).toMatchObject({ marketId: NORTHERN_BORDER_REGION, flag: 'aggregated' });
    expect(r.observations.find((o) => o.commodityId === 'diesel')!.unit).toBe('KPW/kg');
    expect(r.observations.find((o) => o.commodityId === 'cny')!.unit).toBe('KPW/CNY');
  });

  it('maps columns by header name, in any order', () => {
    const swapped = page.replace('<td>백미</td><td>옥수수</td>', '<td>옥수수</td><td>백미</td>');
    const s = parseAsiaPressKoreanTable(swapped);
    expect(
      s.observations.find((o) => o.commodityId === 'corn' && o.surveyDate === '2022-10-09')!.value,
    ).toBe(6100);
  });

  it('calls a page without the table a layout change', () => {
    expect(() => parseAsiaPressKoreanTable('<html><body><p>404</p></body></html>')).toThrow(
      LayoutChangedError,
    );
    expect(() =>
      parseAsiaPressKoreanTable('<table><tr><td>조사일</td><td>날씨</td></tr></table>'),
    ).toThrow(/fewer than two known goods/);
  });
});
