import { gazetteerMarkets, readFixture } from '../../../test/helpers/markets';
import { LayoutChangedError } from '../source.error';
import { resolveDate } from './dailynk-en-dates';
import { articleLinks, parseDailyNkArticle, parseDailyNkListing } from './dailynk-en.parser';

const ctx = { markets: gazetteerMarkets() };
const page = (name: string) => readFixture('sources', 'dailynk-en', name);
type Expected = {
  observations: [string, string, string, number, string][];
  rejected: [string, string, string][];
};
const expected = (name: string) => JSON.parse(page(name)) as Expected;
const located = (r: { location: string; rawValue: string; reason: string }, url: string) => [
  r.location.replace(`${url} `, ''),
  r.rawValue,
  r.reason,
];

describe('dates in Daily NK English reports', () => {
  it.each([
    ['on Mar. 14', '2021-03-18', '2021-03-14'],
    ['on March 14', '2021-03-18', '2021-03-14'],
    ['on Dec. 28', '2021-01-05', '2020-12-28'], // the year is never written: the last Dec 28 before publishing
    ['as of Sunday', '2021-03-18', '2021-03-14'], // 2021-03-18 is a Thursday
    ['on the 10th', '2021-03-18', '2021-03-10'],
    ['on the 25th', '2021-03-18', '2021-02-25'],
    ['the 27th of last month', '2021-03-18', '2021-02-27'],
    ['the 31st of last month', '2021-03-18', null], // February has no 31st
    ['no date here', '2021-03-18', null],
  ])('%s, published %s, is %s', (text, published, want) => {
    expect(resolveDate(text, published)).toBe(want);
  });
});

describe('Daily NK English article parser: prose', () => {
  const r = parseDailyNkArticle(
    page('article-prose.html'),
    'https://www.dailynk.com/english/rice-prices/',
    ctx,
  );
  const rows = r.observations.map((o) => [
    o.commodityId,
    o.marketId,
    o.surveyDate,
    o.value,
    o.unit,
  ]);

  it('reads each price with its city, item, unit and date (expected rows beside the fixture)', () => {
    const want = expected('article-prose.expected.json');
    expect(rows).toEqual(want.observations);
    expect(
      r.rejected.map((x) => located(x, 'https://www.dailynk.com/english/rice-prices/')),
    ).toEqual(want.rejected);
  });

  it('stores the previous-survey value as its own observation at its own date', () => {
    const prev = r.observations.find((o) => o.surveyDate === '2021-02-28')!;
    expect(prev).toMatchObject({
      value: 6050,
      qualityNotes: 'previous survey value, at its own date',
    });
  });

  it('rejects a malformed number (KPW 8,1500) and keeps the rest of the article', () => {
    expect(r.rejected).toEqual([
      {
        location: 'https://www.dailynk.com/english/rice-prices/ usd hyesan',
        rawValue: 'KPW 8,1500',
        reason: 'not a number: "8,1500"',
      },
    ]);
  });

  it('keeps the sentence as the raw text and the article as the source page', () => {
    expect(r.observations[0].rawValue).toMatch(
      /^A kilogram of rice traded for 6,300 North Korean won/,
    );
    expect(r.observations[0].sourceUrl).toBe('https://www.dailynk.com/english/rice-prices/');
  });
});

describe('Daily NK English article parser: the small table', () => {
  const r = parseDailyNkArticle(
    page('article-table.html'),
    'https://www.dailynk.com/english/read.php?num=9876',
    ctx,
  );

  it('reads the rows by label and the columns by city, dated by the text, unit from the caption', () => {
    const want = expected('article-table.expected.json');
    expect(
      r.observations.map((o) => [o.commodityId, o.marketId, o.surveyDate, o.value, o.unit]),
    ).toEqual(want.observations);
    expect(
      r.rejected.map((x) => located(x, 'https://www.dailynk.com/english/read.php?num=9876')),
    ).toEqual(want.rejected);
  });

  it('does not read the prose that repeats the table twice', () => {
    expect(
      r.observations.filter((o) => o.commodityId === 'rice' && o.marketId === 'pyongyang'),
    ).toHaveLength(1);
  });

  it('calls an article without a publish date a layout change', () => {
    expect(() =>
      parseDailyNkArticle(
        '<html><body><p>Rice 5,000 won in Pyongyang.</p></body></html>',
        'u',
        ctx,
      ),
    ).toThrow(LayoutChangedError);
  });
});

describe('Daily NK English listing', () => {
  it('finds the 2020s and legacy article links, not navigation', () => {
    expect(
      articleLinks(
        page('listing.html'),
        'https://www.dailynk.com/english/category/market-indicators/',
      ),
    ).toEqual([
      'https://www.dailynk.com/english/rice-prices-edge-up-in-spring-markets/',
      'https://www.dailynk.com/english/dollar-steady-as-yuan-slips/',
      'https://www.dailynk.com/english/read.php?num=9876&cataId=nk01500',
    ]);
  });

  it('calls a listing without article links a layout change', () => {
    expect(() =>
      parseDailyNkListing('<html><body>Sorry</body></html>', 'https://x/english/category/'),
    ).toThrow(/no article link/);
  });
});
