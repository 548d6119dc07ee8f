import { readFixture } from '../../../test/helpers/markets';
import { LayoutChangedError } from '../source.error';
import { parseAsiaPressPosts } from './asiapress-en.parser';

const body = readFixture('sources', 'asiapress-en', 'posts.json');
const expected = JSON.parse(readFixture('sources', 'asiapress-en', 'posts.expected.json')) as {
  observations: [string, string, number][];
  rejected: [string, string, string][];
};

describe('Asia Press English posts parser', () => {
  const r = parseAsiaPressPosts(body);

  it('reads every price chain into dated observations', () => {
    expect(r.observations.map((o) => [o.commodityId, o.surveyDate, o.value])).toEqual(
      expected.observations,
    );
    expect(r.rejected.map((x) => [x.location, x.rawValue, x.reason])).toEqual(expected.rejected);
  });

  it('normalises full-width brackets and arrows (NFKC) before matching', () => {
    expect(r.observations[0].rawValue).toBe('White Rice 5100(Apr 3)');
  });

  it('takes the year from the post date, across a year boundary', () => {
    const rice = r.observations.filter(
      (o) => o.commodityId === 'rice' && o.sourceUrl?.includes('new-year'),
    );
    expect(rice.map((o) => o.surveyDate)).toEqual(['2022-12-05', '2022-12-19', '2023-01-02']);
  });

  it('rejects a date after the post date as a typo, and keeps the rest of the chain', () => {
    expect(
      r.observations.filter((o) => o.commodityId === 'gasoline').map((o) => o.surveyDate),
    ).toEqual(['2023-04-03']);
  });

  it('keeps the post as the page each value came from, as a regional average', () => {
    expect(r.observations[0]).toMatchObject({
      sourceUrl: 'https://www.asiapress.org/rimjin-gang/2023/05/prices-spring/',
      marketId: 'northern-border',
      flag: 'aggregated',
    });
  });

  it('calls an answer without posts or chains a layout change', () => {
    expect(() => parseAsiaPressPosts('<html>maintenance</html>')).toThrow(LayoutChangedError);
    expect(() => parseAsiaPressPosts('{"code":"rest_no_route"}')).toThrow(
      /something other than a list/,
    );
    expect(() => parseAsiaPressPosts('[]')).toThrow(/no price chain/);
    expect(() => parseAsiaPressPosts('[{"id":1}]')).toThrow(/without date_gmt/);
  });
});
