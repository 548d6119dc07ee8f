import * as cheerio from 'cheerio/slim';
import { LayoutChangedError } from '../source.error';
import { publishedDate } from '../shared/published-date';
import {
  MarketRef,
  ParseContext,
  ParseResult,
  ParsedObservation,
  RejectedValue,
} from '../source.types';
import { isCalendarDate, isoDate, readPublishedNumber, toCurrentWon } from '../shared/normalise';

// 1.1.0: a shared-value clause and a "respectively" clause in one sentence are read clause by clause
export const NKTIMES_EN_PARSER_VERSION = 'nktimes-en/1.1.0';

// NK Times English grain reports (SOURCES.md section 5): prose only, about monthly, for Pyongyang,
// Sariwon, Pyongsong, Hamhung, Chongjin and Hyesan. The article body is read sentence by sentence,
// clause by clause; a clause names an item (or inherits the sentence's), cities (gazetteer names
// and aliases, or inherits them), and values:
//   - one value and a list of cities: the value of each of those cities ("rice in Pyongyang,
//     Sariwon and Pyongseong fell ... to 4,700 won");
//   - "respectively": values and cities paired in order, only when their counts agree;
//   - both in one sentence (a shared value for some cities, ", and" values "respectively" for
//     others): read clause by clause, each clause with its own cities;
//   - "from X won to Y won": Y at the survey date; X is last month's at no stated date, never stored;
//   - "compared to X won as of the 7th of last month": X at its own resolved date;
//   - an average over cities is never a city's price: rejected with the reason;
//   - values with no city, or more values than cities without "respectively": rejected.
// Dates are relative ("on the 14th", "as of the 9th of this month", "the 7th of last month") and
// resolved against the publish date; a day after the publish day without "this month" is last
// month's. Sidebars and "most read" lists are outside the article body and never read.

interface Item {
  match: RegExp;
  commodityId: string;
}

// longest names first: "corn rice" before "corn", "soybean oil" before "soybeans"
const ITEMS: Item[] = [
  { match: /\bcorn\s+rice\b/i, commodityId: 'corn-rice' },
  { match: /\bcorn\s+flour\b/i, commodityId: 'corn-flour' },
  { match: /\bcorn\s+noodles?\b/i, commodityId: 'corn-noodles' },
  { match: /\bsoybean\s+oil\b/i, commodityId: 'soybean-oil' },
  { match: /\bsoybeans?\b/i, commodityId: 'soybeans' },
  { match: /\bred\s+beans?\b/i, commodityId: 'red-beans' },
  { match: /\bbarley\b/i, commodityId: 'barley' },
  { match: /\bcorn\b|\bmaize\b/i, commodityId: 'corn' },
  { match: /\brice\b/i, commodityId: 'rice' },
];

const MONEY = /(\d[\d,]*(?:\.\d+)?)\s*(?:North Korean\s+)?won\b/gi;
const FROM_TO = /\bfrom\s+(\d[\d,]*(?:\.\d+)?)\s*won\s+to\s+(\d[\d,]*(?:\.\d+)?)\s*won\b/i;
const COMPARED =
  /\bcompared (?:to|with)\s+(\d[\d,]*(?:\.\d+)?)\s*won\s+(?:as of|on)\s+the\s+(\d{1,2})(?:st|nd|rd|th)\s+of\s+(last|this)\s+month\b/i;
const SURVEY_DAY =
  /\b(?:on|as of)\s+the\s+(\d{1,2})(?:st|nd|rd|th)(?:\s+of\s+(this|last)\s+month)?\b/i;
const AVERAGE = /\baverage\b/i;
const RESPECTIVELY = /\brespectively\b/i;
const PER_LITRE = /\bper\s+(?:liter|litre|l)\b/i;

// The day `day` of this or last month relative to the publish date; a day after the publish day
// with no month named is last month's.
export function relativeDay(
  published: string,
  day: number,
  month?: 'this' | 'last',
): string | null {
  const [py, pm, pd] = published.split('-').map(Number);
  const last = month === 'last' || (month === undefined && day > pd);
  const [y, m] = last ? (pm === 1 ? [py - 1, 12] : [py, pm - 1]) : [py, pm];
  if (!isCalendarDate(y, m, day)) return null;
  const iso = isoDate(y, m, day);
  return iso <= published ? iso : null;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Cities named in a text, in the order they appear (each once).
export function citiesIn(text: string, markets: MarketRef[]): string[] {
  const hits: { at: number; id: string }[] = [];
  for (const m of markets) {
    for (const name of [m.name, ...(m.aliases ?? [])]) {
      const re = new RegExp(`\\b${escape(name)}\\b`, 'gi');
      for (const hit of text.matchAll(re)) hits.push({ at: hit.index, id: m.id });
    }
  }
  hits.sort((a, b) => a.at - b.at);
  return [...new Set(hits.map((h) => h.id))];
}

// The item named last before a position (for a list such as "soybeans 4,000 won, soybean oil 17,500 won").
function itemBefore(text: string, at: number): Item | undefined {
  let best: { at: number; item: Item } | undefined;
  for (const item of ITEMS) {
    for (const m of text.slice(0, at).matchAll(new RegExp(item.match.source, 'gi')))
      if (!best || m.index > best.at) best = { at: m.index, item };
  }
  return best?.item;
}

function itemIn(text: string): Item | undefined {
  let best: { at: number; item: Item } | undefined;
  for (const item of ITEMS) {
    const m = item.match.exec(text);
    if (m && (!best || m.index < best.at)) best = { at: m.index, item };
  }
  return best?.item;
}

// A sentence into clauses at "; " and ", and " / ", while " / ", but " (each clause one statement).
// Clauses of a sentence: at "; " and ", and|while|but|whereas " before a word, and at ", and "
// before a value, so that "2,300 won in Pyongyang, Sariwon and Pyongsong, and 2,400 won and
// 2,450 won in Hamheung and Chongjin, respectively" is a shared-value clause, then a
// "respectively" clause, each read with its own cities.
const clauses = (sentence: string): string[] =>
  sentence
    .split(/;\s+|,\s+(?:and|while|but|whereas)\s+(?=[a-z])|,\s+and\s+(?=\d[\d,.]*\s*won\b)/)
    .map((c) => c.trim())
    .filter(Boolean);

const sentences = (paragraph: string): string[] =>
  paragraph
    .split(/(?<=[.!?])\s+(?=[A-Z"“])/)
    .map((s) => s.trim())
    .filter(Boolean);

export function parseNkTimesArticle(html: string, url: string, ctx: ParseContext): ParseResult {
  const $ = cheerio.load(html);
  const published = publishedDate($);
  if (!published)
    throw new LayoutChangedError(
      `${url}: no publish date (meta article:published_time or time[datetime])`,
    );
  // the article body only: sidebars and "most read" widgets carry other numbers
  const body = $('.entry-content').first().length
    ? $('.entry-content').first()
    : $('article .post-content, article .article-body').first();
  if (!body.length)
    throw new LayoutChangedError(
      `${url}: no article body (.entry-content or article .post-content)`,
    );
  const paragraphs = body
    .find('p')
    .toArray()
    .map((el) => $(el).text().replace(/\s+/g, ' ').trim().normalize('NFKC'))
    .filter(Boolean);
  const all = paragraphs.join(' ');
  const surveyMatch = SURVEY_DAY.exec(all.replace(COMPARED, ''));
  const surveyDate =
    (surveyMatch &&
      relativeDay(
        published,
        Number(surveyMatch[1]),
        surveyMatch[2] as 'this' | 'last' | undefined,
      )) ??
    null;
  const date = surveyDate ?? published;
  const dateNote = surveyDate
    ? undefined
    : 'no survey day in the article: dated by its publish date';
  const cityMarkets = ctx.markets.filter((m) => m.name);
  const observations: ParsedObservation[] = [];
  const rejected: RejectedValue[] = [];

  const store = (
    marketId: string,
    item: Item,
    raw: string,
    on: string,
    unit: string,
    notes: (string | undefined)[],
  ) => {
    const reading = readPublishedNumber(raw);
    if (reading.kind !== 'value')
      return void rejected.push({
        location: `${url} ${item.commodityId} ${marketId}`,
        rawValue: raw,
        reason: reading.kind === 'malformed' ? reading.reason : 'empty value',
      });
    const won = toCurrentWon(reading.value, on);
    observations.push({
      marketId,
      commodityId: item.commodityId,
      surveyDate: on,
      value: won.value,
      unit,
      currency: 'KPW',
      rawValue: raw,
      flag: 'observed',
      qualityNotes: [...notes, `published ${published}`, won.note].filter(Boolean).join('; '),
      sourceUrl: url,
    });
  };

  for (const paragraph of paragraphs) {
    for (const sentence of sentences(paragraph)) {
      let item: Item | undefined;
      let cities: string[] = [];
      for (const clause of clauses(sentence)) {
        item = itemIn(clause) ?? item;
        const named = citiesIn(clause, cityMarkets);
        cities = named.length ? named : cities;
        const reject = (raw: string, reason: string, of = item) =>
          rejected.push({
            location: `${url} ${of?.commodityId ?? 'no item'}`,
            rawValue: raw,
            reason,
          });
        let text = clause;
        const money = [...clause.matchAll(MONEY)];
        if (!money.length) continue;
        if (!item) {
          for (const m of money) reject(m[0], 'no item named for the value');
          continue;
        }
        const unit = PER_LITRE.test(clause) ? 'KPW/l' : 'KPW/kg';
        if (AVERAGE.test(clause)) {
          for (const m of money)
            reject(
              m[0],
              `an average over ${named.length || 'several'} cities, never a city's price`,
            );
          continue;
        }
        if (!named.length && !cities.length) {
          for (const m of money)
            reject(
              m[0],
              'no city named for the value (no market to store it at)',
              itemBefore(clause, m.index) ?? item,
            );
          continue;
        }
        const compared = COMPARED.exec(text);
        if (compared) {
          const on = relativeDay(published, Number(compared[2]), compared[3] as 'this' | 'last');
          for (const c of cities)
            if (on)
              store(c, item, compared[1], on, unit, ['previous survey value, at its own date']);
            else
              reject(
                compared[0],
                'the previous survey date is not a calendar date before the article',
              );
          text = text.replace(compared[0], ' ');
        }
        const fromTo = FROM_TO.exec(text);
        if (fromTo) {
          reject(`${fromTo[1]} won`, "a 'from' value: last month's price, at no stated date");
          text = text.replace(`${fromTo[1]} won`, ' ');
        }
        const values = [...text.matchAll(MONEY)].map((m) => m[1]);
        if (!values.length) continue;
        if (RESPECTIVELY.test(text)) {
          if (values.length !== cities.length) {
            for (const v of values)
              reject(
                `${v} won`,
                `"respectively" with ${values.length} values for ${cities.length} cities`,
              );
            continue;
          }
          values.forEach((v, i) => store(cities[i], item!, v, date, unit, [dateNote]));
          continue;
        }
        if (values.length > 1) {
          for (const v of values)
            reject(
              `${v} won`,
              `${values.length} values for ${cities.length} cities without "respectively"`,
            );
          continue;
        }
        for (const c of cities) store(c, item, values[0], date, unit, [dateNote]);
      }
    }
  }
  // an article about something else has no prices: nothing, not an error (a run whose pages all
  // parse to nothing fails as a layout change)
  return { observations, rejected, missing: 0 };
}

// Article links on the listing page (the post titles), newest first, as the site lists them.
export function articleLinks(html: string, base: string): string[] {
  const $ = cheerio.load(html);
  const links = $(
    'article h2 a[href], article h3 a[href], h2.entry-title a[href], h3.entry-title a[href]',
  )
    .toArray()
    .map((el) => new URL($(el).attr('href') as string, base).toString());
  return [...new Set(links)];
}

export function parseNkTimesListing(html: string, url: string): ParseResult {
  if (!articleLinks(html, url).length)
    throw new LayoutChangedError(`${url}: the listing has no article links (article h2 a)`);
  return { observations: [], rejected: [], missing: 0 };
}
