import * as cheerio from 'cheerio/slim';
import { LayoutChangedError } from '../source.error';
import { ParseResult, ParsedObservation, RejectedValue } from '../source.types';
import { isCalendarDate, isoDate, readPublishedNumber, toCurrentWon } from '../shared/normalise';
import { NORTHERN_BORDER_REGION } from '../asiapress-ko/asiapress-ko.parser';

export const ASIAPRESS_EN_PARSER_VERSION = 'asiapress-en/1.1.0';

// Asia Press English posts from the WordPress JSON API (SOURCES.md section 4). Prices come as
// chains with full-width brackets and arrows, "〇 White Rice 5100（Apr 3）→ 5400（Apr 17）→5350（May 1）":
// the text is NFKC-normalised first. The year is the post's; a chain may cross a year boundary
// (read backwards from its last link); a date after the post date is a typo and is rejected.

interface WpPost {
  id?: number;
  date_gmt?: string;
  link?: string;
  title?: { rendered?: string };
  content?: { rendered?: string };
}

const ITEMS: { match: RegExp; commodityId: string; unit: string }[] = [
  { match: /^(white\s+)?rice$/i, commodityId: 'rice', unit: 'KPW/kg' },
  { match: /^corn|maize$/i, commodityId: 'corn', unit: 'KPW/kg' },
  { match: /^pork$/i, commodityId: 'pork', unit: 'KPW/kg' },
  { match: /^gasoline|petrol$/i, commodityId: 'gasoline', unit: 'KPW/kg' },
  { match: /^diesel$/i, commodityId: 'diesel', unit: 'KPW/kg' },
  { match: /^(chinese\s+)?(yuan|cny|rmb)/i, commodityId: 'cny', unit: 'KPW/CNY' },
  { match: /^(us\s+)?(dollar|usd)/i, commodityId: 'usd', unit: 'KPW/USD' },
];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const LINE = /[〇○◯]\s*([A-Za-z][A-Za-z .]*?)\s*(?=[\d,]+\s*\()/g;
const LINK = /([\d,]+)\s*\(\s*([A-Za-z]{3,9})\.?\s*(\d{1,2})\s*\)/y;
const TYPO_WINDOW_DAYS = 60;

const dayNum = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

function monthIndex(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase());
}

// The date of each (month, day) link of a chain, each resolved on its own against the post date,
// so that one link's typo can never move another's date: the post's year, or the year before when
// that date is more than TYPO_WINDOW_DAYS after the post (a chain crossing a year boundary); a date
// up to TYPO_WINDOW_DAYS after the post cannot be a survey date yet, so it is a typo and rejected.
// (Resolving the chain backwards from its last link let a typo in the middle push every earlier
// link into the previous year.)
export function dateChain(
  links: { month: number; day: number }[],
  postDate: string,
): ({ iso: string } | { error: string })[] {
  const py = Number(postDate.slice(0, 4));
  return links.map(({ month, day }) => {
    if (!isCalendarDate(py, month + 1, day) && !isCalendarDate(py - 1, month + 1, day))
      return { error: `not a calendar date: ${MONTHS[month]} ${day}` };
    const thisYear = isCalendarDate(py, month + 1, day) ? isoDate(py, month + 1, day) : null;
    if (thisYear && thisYear <= postDate) return { iso: thisYear };
    if (thisYear && dayNum(thisYear) - dayNum(postDate) <= TYPO_WINDOW_DAYS)
      return { error: `${thisYear} is after the post date ${postDate} (a typo)` };
    if (!isCalendarDate(py - 1, month + 1, day))
      return { error: `not a calendar date: ${MONTHS[month]} ${day}` };
    return { iso: isoDate(py - 1, month + 1, day) };
  });
}

export function parseAsiaPressPosts(body: string): ParseResult {
  let posts: WpPost[];
  try {
    posts = JSON.parse(body) as WpPost[];
  } catch (err) {
    throw new LayoutChangedError(`not the WordPress posts JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(posts))
    throw new LayoutChangedError('the WordPress API answered something other than a list of posts');
  const observations: ParsedObservation[] = [];
  const rejected: RejectedValue[] = [];
  for (const post of posts) {
    if (typeof post?.date_gmt !== 'string' || typeof post.content?.rendered !== 'string') {
      throw new LayoutChangedError(
        `a post without date_gmt or content.rendered (id ${String(post?.id)})`,
      );
    }
    const postDate = post.date_gmt.slice(0, 10);
    const text = cheerio.load(post.content.rendered).root().text().normalize('NFKC');
    for (const line of text.matchAll(LINE)) {
      const item = ITEMS.find((i) => i.match.test(line[1].trim()));
      if (!item) continue;
      // read the chain of "number (Mon D)" links joined by arrows
      const links: { raw: string; number: string; month: number; day: number }[] = [];
      let at = (line.index ?? 0) + line[0].length;
      for (;;) {
        LINK.lastIndex = at;
        const m = LINK.exec(text);
        if (!m) break;
        links.push({ raw: m[0], number: m[1], month: monthIndex(m[2]), day: Number(m[3]) });
        at = LINK.lastIndex;
        const arrow = /^\s*(→|->)\s*/.exec(text.slice(at));
        if (!arrow) break;
        at += arrow[0].length;
      }
      const valid = links.filter((l) => l.month >= 0);
      for (const l of links)
        if (l.month < 0)
          rejected.push({
            location: `post ${post.id} ${item.commodityId}`,
            rawValue: l.raw,
            reason: 'unknown month',
          });
      const dates = dateChain(valid, postDate);
      valid.forEach((l, i) => {
        const d = dates[i];
        const location = `post ${post.id} ${item.commodityId}`;
        if ('error' in d) return void rejected.push({ location, rawValue: l.raw, reason: d.error });
        const reading = readPublishedNumber(l.number);
        if (reading.kind !== 'value')
          return void rejected.push({
            location,
            rawValue: l.raw,
            reason: reading.kind === 'malformed' ? reading.reason : 'empty value',
          });
        const won = toCurrentWon(reading.value, d.iso);
        observations.push({
          marketId: NORTHERN_BORDER_REGION,
          commodityId: item.commodityId,
          surveyDate: d.iso,
          value: won.value,
          unit: item.unit,
          currency: 'KPW',
          rawValue: `${line[1].trim()} ${l.raw}`,
          flag: 'aggregated',
          qualityNotes: [
            'average of the surveyed northern border cities',
            `post of ${postDate}`,
            won.note,
          ]
            .filter(Boolean)
            .join('; '),
          sourceUrl: post.link,
        });
      });
    }
  }
  if (observations.length === 0)
    throw new LayoutChangedError(
      `${posts.length} posts but no price chain ("〇 Item 5100（Apr 3）→ ...") found`,
    );
  return { observations, rejected, missing: 0 };
}
