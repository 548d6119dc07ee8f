import { readFixture } from '../../../test/helpers/markets';
import { LayoutChangedError } from '../source.error';
import fc from 'fast-check';
import { dateChain, parseAsiaPressPosts } from './asiapress-en.parser';

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

describe('Asia Press chains: a typo moves no other date (the chain bug)', () => {
  const r = parseAsiaPressPosts(body);
  const of = (post: string, commodity: string) =>
    r.observations
      .filter((o) => o.commodityId === commodity && o.sourceUrl?.includes(post))
      .map((o) => [o.surveyDate, o.value]);

  it('rejects only the link dated after the post; its neighbours keep their dates', () => {
    expect(of('prices-typo/', 'corn')).toEqual([
      ['2023-05-15', 2900],
      ['2023-06-12', 3050],
    ]);
    expect(r.rejected.find((x) => x.location === 'post 9120 corn')?.reason).toBe(
      '2023-06-30 is after the post date 2023-06-12 (a typo)',
    );
  });

  it('keeps a year-boundary chain right when one of its links is a typo', () => {
    expect(of('prices-typo-year-end', 'rice')).toEqual([
      ['2023-12-11', 5200],
      ['2024-01-07', 5250],
    ]);
  });

  it('property: a link resolves to the same date alone as in any chain around it', () => {
    const link = fc.record({
      month: fc.integer({ min: 0, max: 11 }),
      day: fc.integer({ min: 1, max: 31 }),
    });
    const postDate = fc
      .date({
        min: new Date('2010-01-01T00:00:00Z'),
        max: new Date('2030-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.array(link, { minLength: 1, maxLength: 8 }), postDate, (links, post) => {
        const chain = dateChain(links, post);
        links.forEach((l, i) => expect(chain[i]).toEqual(dateChain([l], post)[0]));
        // and no accepted date is ever after the post
        for (const d of chain) if ('iso' in d) expect(d.iso <= post).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('property: changing one link of a published chain into a typo changes no other stored date', () => {
    const MON = [
      'Jan',
      'Feb',
      'Mar',
      'Apr',
      'May',
      'Jun',
      'Jul',
      'Aug',
      'Sep',
      'Oct',
      'Nov',
      'Dec',
    ];
    const post = (chain: string) =>
      JSON.stringify([
        {
          id: 1,
          date_gmt: '2023-06-12T00:00:00',
          link: 'https://example.org/p/',
          content: { rendered: `<p>〇 Corn ${chain}</p>` },
        },
      ]);
    const linkArb = fc.record({
      value: fc.integer({ min: 1000, max: 9000 }),
      month: fc.integer({ min: 0, max: 11 }),
      day: fc.integer({ min: 1, max: 28 }),
    });
    fc.assert(
      fc.property(
        fc.array(linkArb, { minLength: 2, maxLength: 6 }),
        fc.nat(),
        fc.integer({ min: 13, max: 28 }),
        (links, which, typoDay) => {
          const text = (ls: typeof links) =>
            ls.map((l) => `${l.value}（${MON[l.month]} ${l.day}）`).join('→');
          const k = which % links.length;
          const typo = links.map((l, i) => (i === k ? { ...l, month: 5, day: typoDay } : l)); // Jun 13-28: after the post
          const dated = (t: string) =>
            new Map(
              (() => {
                try {
                  return parseAsiaPressPosts(post(t)).observations;
                } catch {
                  return [];
                }
              })().map((o) => [o.rawValue, o.surveyDate]),
            );
          const before = dated(text(links));
          const after = dated(text(typo));
          for (const [raw, date] of after) if (before.has(raw)) expect(date).toBe(before.get(raw));
          expect([...after.keys()].some((raw) => raw.includes(`(Jun ${typoDay})`))).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
