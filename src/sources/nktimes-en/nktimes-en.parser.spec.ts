import fc from 'fast-check';
import { gazetteerMarkets, readFixture } from '../../../test/helpers/markets';
import { LayoutChangedError } from '../source.error';
import {
  articleLinks,
  citiesIn,
  parseNkTimesArticle,
  parseNkTimesListing,
  relativeDay,
} from './nktimes-en.parser';

// Made-up NK Times pages in the shapes of SOURCES.md section 5, each with its expected rows beside it.
const ctx = { markets: gazetteerMarkets() };

interface Expected {
  url: string;
  observations: [string, string, string, number][];
  rejected: [string, string, string][];
}

describe.each(['article-april', 'article-year-end', 'article-six-cities'])(
  'NK Times article %s',
  (name) => {
    const expected = JSON.parse(
      readFixture('sources', 'nktimes-en', `${name}.expected.json`),
    ) as Expected;
    const r = parseNkTimesArticle(
      readFixture('sources', 'nktimes-en', `${name}.html`),
      expected.url,
      ctx,
    );

    it('gives exactly the expected rows and rejections', () => {
      expect(r.observations.map((o) => [o.marketId, o.commodityId, o.surveyDate, o.value])).toEqual(
        expected.observations,
      );
      expect(r.rejected.map((x) => [x.location.split(' ').pop(), x.rawValue, x.reason])).toEqual(
        expected.rejected,
      );
      for (const o of r.observations) {
        expect(o).toMatchObject({
          unit: 'KPW/kg',
          currency: 'KPW',
          flag: 'observed',
          sourceUrl: expected.url,
        });
        expect(o.value).toBeGreaterThan(0);
      }
    });
  },
);

describe('NK Times traps, one by one', () => {
  const april = parseNkTimesArticle(
    readFixture('sources', 'nktimes-en', 'article-april.html'),
    'https://nktimes.kr/en/a/',
    ctx,
  );
  const yearEnd = parseNkTimesArticle(
    readFixture('sources', 'nktimes-en', 'article-year-end.html'),
    'https://nktimes.kr/en/b/',
    ctx,
  );
  const rows = (r: typeof april, commodity: string) =>
    r.observations
      .filter((o) => o.commodityId === commodity)
      .map((o) => [o.marketId, o.surveyDate, o.value]);

  it('gives one value written for a list of cities to each of them, and only to them', () => {
    expect(rows(april, 'rice').filter(([, d, v]) => d === '2024-04-28' && v === 4700)).toEqual([
      ['pyongyang', '2024-04-28', 4700],
      ['sariwon', '2024-04-28', 4700],
      ['pyongsong', '2024-04-28', 4700],
    ]);
  });

  it('pairs "respectively" values and cities in order', () => {
    expect(rows(april, 'corn')).toEqual([
      ['hamhung', '2024-04-28', 2000],
      ['chongjin', '2024-04-28', 2150],
    ]);
  });

  it('reads a shared value and a "respectively" clause in one sentence, clause by clause', () => {
    const page = `<html><head><meta property="article:published_time" content="2024-05-20T00:00:00Z"></head><body><div class="entry-content"><p>According to the survey on the 14th, corn was 2,300 won in Pyongyang, Sariwon and Pyongsong, and 2,400 won and 2,450 won in Hamheung and Chongjin, respectively.</p></div></body></html>`;
    const r = parseNkTimesArticle(page, 'https://nktimes.kr/en/c/', ctx);
    expect(r.rejected).toEqual([]);
    expect(r.observations.map((o) => [o.marketId, o.commodityId, o.surveyDate, o.value])).toEqual([
      ['pyongyang', 'corn', '2024-05-14', 2300],
      ['sariwon', 'corn', '2024-05-14', 2300],
      ['pyongsong', 'corn', '2024-05-14', 2300],
      ['hamhung', 'corn', '2024-05-14', 2400],
      ['chongjin', 'corn', '2024-05-14', 2450],
    ]);
  });

  it('refuses "respectively" when values and cities do not pair up', () => {
    expect(rows(yearEnd, 'red-beans')).toEqual([]);
    expect(yearEnd.rejected.filter((x) => x.reason.startsWith('"respectively"'))).toHaveLength(2);
  });

  it('never stores an average over cities as a city price', () => {
    expect(april.observations.some((o) => o.value === 4760)).toBe(false);
    expect(april.rejected.find((x) => x.rawValue === '4,760 won')?.reason).toMatch(
      /an average over 5 cities/,
    );
  });

  it("never stores a 'from' value (last month's) at the survey date", () => {
    expect(april.observations.some((o) => o.value === 4900 || o.value === 5000)).toBe(false);
  });

  it('stores a previous-survey value at its own resolved date', () => {
    expect(rows(april, 'rice').filter(([m]) => m === 'hyesan')).toEqual([
      ['hyesan', '2024-04-07', 4950],
      ['hyesan', '2024-04-28', 5100],
    ]);
    expect(april.observations.find((o) => o.value === 4950)?.qualityNotes).toMatch(
      /previous survey value/,
    );
  });

  it('resolves relative days against the publish date, across month and year ends', () => {
    // published 2025-01-03: "on the 27th" is last month's, last year's; "the 6th of last month" too
    expect(rows(yearEnd, 'barley')).toEqual([
      ['chongjin', '2024-12-06', 2300],
      ['chongjin', '2024-12-27', 2400],
    ]);
    expect(relativeDay('2024-05-02', 28)).toBe('2024-04-28');
    expect(relativeDay('2024-05-20', 14)).toBe('2024-05-14');
    expect(relativeDay('2024-05-20', 9, 'this')).toBe('2024-05-09');
    expect(relativeDay('2024-03-02', 30)).toBeNull(); // February 30
    expect(relativeDay('2024-05-20', 25, 'this')).toBeNull(); // after the article
  });

  it('maps the spellings Pyongseong and Hamheung through the gazetteer aliases', () => {
    expect(citiesIn('rice in Pyongseong and Hamheung', ctx.markets)).toEqual([
      'pyongsong',
      'hamhung',
    ]);
  });

  it('skips items without a city, with the reason', () => {
    expect(
      april.rejected.filter((x) => x.reason.startsWith('no city named')).map((x) => x.rawValue),
    ).toEqual(['4,000 won', '17,500 won']);
  });

  it('reads the article body only, never the sidebar ("most read": 9,999 won)', () => {
    expect(april.observations.some((o) => o.value === 9999 || o.value === 1234)).toBe(false);
    const other = parseNkTimesArticle(
      readFixture('sources', 'nktimes-en', 'article-no-prices.html'),
      'https://nktimes.kr/en/c/',
      ctx,
    );
    expect(other.observations).toEqual([]);
  });

  it('fails loudly without a body or a publish date (a layout change)', () => {
    expect(() =>
      parseNkTimesArticle(readFixture('sources', 'nktimes-en', 'article-no-body.html'), 'u', ctx),
    ).toThrow(/no article body/);
    expect(() =>
      parseNkTimesArticle(
        '<html><body><div class="entry-content"><p>x</p></div></body></html>',
        'u',
        ctx,
      ),
    ).toThrow(LayoutChangedError);
  });

  it('finds the article links on the listing, absolute, and refuses a listing without any', () => {
    const html = readFixture('sources', 'nktimes-en', 'listing.html');
    expect(articleLinks(html, 'https://nktimes.kr/en/category/economy/')).toEqual([
      'https://nktimes.kr/en/economy/grain-prices-fall-in-april/',
      'https://nktimes.kr/en/economy/year-end-grain-prices/',
      'https://nktimes.kr/en/economy/rice-in-six-cities/',
      'https://nktimes.kr/en/politics/party-meeting/',
    ]);
    expect(() => parseNkTimesListing('<html></html>', 'u')).toThrow(LayoutChangedError);
  });
});

describe('property: a sentence of cities and values assigns no value to a city it was not written for', () => {
  const six = ['Pyongyang', 'Sariwon', 'Pyongseong', 'Hamheung', 'Chongjin', 'Hyesan'];
  const ids: Record<string, string> = {
    Pyongyang: 'pyongyang',
    Sariwon: 'sariwon',
    Pyongseong: 'pyongsong',
    Hamheung: 'hamhung',
    Chongjin: 'chongjin',
    Hyesan: 'hyesan',
  };
  const list = (c: string[]) =>
    c.length === 1 ? c[0] : `${c.slice(0, -1).join(', ')} and ${c[c.length - 1]}`;
  const page = (sentence: string) =>
    `<html><head><meta property="article:published_time" content="2024-05-20T00:00:00Z"></head><body><div class="entry-content"><p>${sentence}</p></div></body></html>`;
  const citiesArb = fc
    .subarray(six, { minLength: 1, maxLength: 6 })
    .chain((c) => fc.shuffledSubarray(c, { minLength: c.length }));
  const value = fc.integer({ min: 1000, max: 30000 });
  const fmt = (v: number) => v.toLocaleString('en-US');

  it('"ITEM in C1, C2 and C3 was V won": V for exactly those cities', () => {
    fc.assert(
      fc.property(citiesArb, value, (cities, v) => {
        const r = parseNkTimesArticle(
          page(`Rice in ${list(cities)} was ${fmt(v)} won on the 14th.`),
          'u',
          ctx,
        );
        const got = r.observations.map((o) => [o.marketId, o.value]).sort();
        expect(got).toEqual(cities.map((c) => [ids[c], v]).sort());
      }),
      { numRuns: 300 },
    );
  });

  it('"V in A, B, and V1 and V2 in C and D, respectively": the shared value for A, B; the pairs for C, D, or none', () => {
    const split = citiesArb.chain((c) =>
      fc.tuple(fc.constant(c), fc.integer({ min: 1, max: Math.max(1, c.length - 1) })),
    );
    fc.assert(
      fc.property(
        split.filter(([c]) => c.length >= 2),
        value,
        fc.array(value, { minLength: 1, maxLength: 5 }),
        ([cities, cut], shared, values) => {
          const first = cities.slice(0, cut);
          const rest = cities.slice(cut);
          const sentence = `Corn was ${fmt(shared)} won in ${list(first)}, and ${list(values.map((v) => `${fmt(v)} won`))} in ${list(rest)}, respectively.`;
          const r = parseNkTimesArticle(page(sentence), 'u', ctx);
          const got = new Map(r.observations.map((o) => [o.marketId, o.value]));
          for (const c of first) expect(got.get(ids[c])).toBe(shared);
          if (values.length === rest.length)
            rest.forEach((c, i) => expect(got.get(ids[c])).toBe(values[i]));
          else for (const c of rest) expect(got.has(ids[c])).toBe(false);
          expect(r.observations).toHaveLength(
            first.length + (values.length === rest.length ? rest.length : 0),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('"V1 won and V2 won in C1 and C2, respectively": each value only for its own city, or none', () => {
    fc.assert(
      fc.property(citiesArb, fc.array(value, { minLength: 1, maxLength: 6 }), (cities, values) => {
        const sentence = `Corn was ${list(values.map((v) => `${fmt(v)} won`))} in ${list(cities)}, respectively.`;
        const r = parseNkTimesArticle(page(sentence), 'u', ctx);
        const written = new Map(cities.map((c, i) => [ids[c], values[i]]));
        for (const o of r.observations) expect(written.get(o.marketId)).toBe(o.value);
        if (values.length !== cities.length) expect(r.observations).toEqual([]);
        else expect(r.observations).toHaveLength(cities.length);
      }),
      { numRuns: 300 },
    );
  });
});
