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
import { readPublishedNumber, toCurrentWon } from '../shared/normalise';
import { MONTH_DAY, resolveDate } from './dailynk-en-dates';

export const DAILYNK_EN_PARSER_VERSION = 'dailynk-en/1.0.0';

// Daily NK English market reports (SOURCES.md section 2): older articles carry a small table (rows
// Exchange Rate / Rice Price, columns cities, the unit only in a caption); 2020s articles give
// prices in prose. Every value gets the date its sentence names (resolved against the publish
// date), else the first date of the article, else the publish date (said in the quality notes).

const ITEMS: { match: RegExp; commodityId: string; unit: string }[] = [
  { match: /\brice\b/i, commodityId: 'rice', unit: 'KPW/kg' },
  { match: /\bcorn\b|\bmaize\b/i, commodityId: 'corn', unit: 'KPW/kg' },
  { match: /\bpork\b/i, commodityId: 'pork', unit: 'KPW/kg' },
  { match: /\bsugar\b/i, commodityId: 'sugar', unit: 'KPW/kg' },
  { match: /\bsoybean oil\b/i, commodityId: 'soybean-oil', unit: 'KPW/kg' },
  { match: /\bgasoline\b|\bpetrol\b/i, commodityId: 'gasoline', unit: 'KPW/l' },
  { match: /\bdiesel\b/i, commodityId: 'diesel', unit: 'KPW/l' },
  { match: /\byuan\b|\bCNY\b/i, commodityId: 'cny', unit: 'KPW/CNY' },
  { match: /\bdollar\b|\bUSD\b/i, commodityId: 'usd', unit: 'KPW/USD' },
];
// "KPW 8,150", "6,300 won", "6,300 North Korean won"
const MONEY = /KPW\s*(\d[\d,]*(?:\.\d+)?)|(\d[\d,]*(?:\.\d+)?)\s*(?:North Korean\s+)?won\b/gi;
const PREVIOUS =
  /previous survey\s*\(\s*(?:KPW\s*)?(\d[\d,]*(?:\.\d+)?)\s*(?:won)?\s+(?:on|as of)\s+([^)]*)\)/i;

export interface ArticleMeta {
  published: string;
  url: string;
}

function itemIn(text: string): (typeof ITEMS)[number] | undefined {
  let best: { at: number; item: (typeof ITEMS)[number] } | undefined;
  for (const item of ITEMS) {
    const m = item.match.exec(text);
    if (m && (!best || m.index < best.at)) best = { at: m.index, item };
  }
  return best?.item;
}

export function parseDailyNkArticle(html: string, url: string, ctx: ParseContext): ParseResult {
  const $ = cheerio.load(html);
  const published = publishedDate($);
  if (!published)
    throw new LayoutChangedError(
      `${url}: no publish date (meta article:published_time or time[datetime])`,
    );
  const cities = ctx.markets.filter((m) => m.name);
  const body = $('article').length ? $('article') : $('body');
  // paragraph by paragraph: text() alone runs "...survey.A kilogram" together
  const blocks = body
    .find('p, li, h1, h2, h3, figcaption, em')
    .toArray()
    .map((el) => $(el).text().replace(/\s+/g, ' ').trim());
  const text = (blocks.length ? blocks.join('\n') : body.text()).normalize('NFKC');
  const articleDate = resolveDate(text, published);
  const observations: ParsedObservation[] = [];
  const rejected: RejectedValue[] = [];
  const add = (o: Omit<ParsedObservation, 'currency' | 'flag' | 'sourceUrl'>, note?: string) => {
    const won = toCurrentWon(o.value, o.surveyDate);
    observations.push({
      ...o,
      value: won.value,
      currency: 'KPW',
      flag: 'observed',
      sourceUrl: url,
      qualityNotes: [note, won.note].filter(Boolean).join('; ') || undefined,
    });
  };
  const dateNote = articleDate ? undefined : 'survey date taken as the publish date';

  // 1. the small table of older articles
  body.find('table').each((_, table) => {
    const rows = $(table)
      .find('tr')
      .toArray()
      .map((tr) =>
        $(tr)
          .children('th,td')
          .toArray()
          .map((c) => $(c).text().trim()),
      );
    if (rows.length < 2) return;
    const header = rows[0];
    const columns = header.map(
      (h) => cities.find((c) => c.name.toLowerCase() === h.toLowerCase())?.id,
    );
    if (!columns.some(Boolean)) return;
    const perKg = /KPW per Kilogram/i.test(text);
    for (const row of rows.slice(1)) {
      const label = row[0] ?? '';
      const spec = /exchange rate/i.test(label)
        ? { commodityId: 'usd', unit: 'KPW/USD' }
        : /rice/i.test(label)
          ? { commodityId: 'rice', unit: perKg ? 'KPW/kg' : 'KPW/kg (assumed)' }
          : null;
      if (!spec) continue;
      row.slice(1).forEach((cell, i) => {
        const marketId = columns[i + 1];
        if (!marketId) return;
        const r = readPublishedNumber(cell);
        if (r.kind === 'missing') return;
        if (r.kind === 'malformed')
          return void rejected.push({
            location: `${url} table ${label} ${marketId}`,
            rawValue: cell,
            reason: r.reason,
          });
        add(
          {
            marketId,
            commodityId: spec.commodityId,
            unit: spec.unit,
            surveyDate: articleDate ?? published,
            value: r.value,
            rawValue: `${label} ${header[i + 1]}: ${cell}`,
          },
          dateNote,
        );
      });
    }
  });

  // 2. prose, sentence by sentence (a table article's prose repeats it: only read prose without one)
  if (!observations.length) {
    let lastItem: (typeof ITEMS)[number] | undefined;
    const sentences = text.split(/\n+|(?<=[.!?])\s+(?=[A-Z"“])/);
    for (const sentence of sentences) {
      const item = itemIn(sentence) ?? lastItem;
      lastItem = item;
      const sentenceDate =
        resolveDate(sentence.replace(PREVIOUS, ''), published) ?? articleDate ?? published;
      const found = cityPositions(sentence, cities);
      let lastCity: string | undefined;
      for (const m of sentence.matchAll(MONEY)) {
        const raw = m[0];
        const number = m[1] ?? m[2];
        const at = m.index ?? 0;
        const after = sentence.slice(at + raw.length, at + raw.length + 30);
        const perItem = /^\s*per\s+(Chinese\s+)?yuan/i.test(after)
          ? ITEMS[7]
          : /^\s*per\s+(US\s+)?dollar/i.test(after)
            ? ITEMS[8]
            : undefined;
        const use = perItem ?? item;
        if (!use) continue;
        const prev = PREVIOUS.exec(sentence);
        const isPrevious =
          prev !== null &&
          sentence.indexOf(prev[0]) <= at &&
          at < sentence.indexOf(prev[0]) + prev[0].length;
        const city = isPrevious
          ? lastCity
          : (nextCity(found, at, at + raw.length, sentence, MONEY) ?? previousCity(found, at));
        if (!city) continue;
        if (!isPrevious) lastCity = city;
        const r = readPublishedNumber(number);
        const location = `${url} ${use.commodityId} ${city}`;
        if (r.kind !== 'value') {
          rejected.push({
            location,
            rawValue: raw,
            reason: r.kind === 'malformed' ? r.reason : 'empty value',
          });
          continue;
        }
        const date = isPrevious ? resolveDate(prev[2], published) : sentenceDate;
        if (!date) {
          rejected.push({ location, rawValue: raw, reason: `unreadable date "${prev?.[2]}"` });
          continue;
        }
        add(
          {
            marketId: city,
            commodityId: use.commodityId,
            unit: use.unit,
            surveyDate: date,
            value: r.value,
            rawValue: sentence.length > 300 ? raw : sentence,
          },
          isPrevious
            ? 'previous survey value, at its own date'
            : resolveDate(sentence, published) || articleDate
              ? undefined
              : dateNote,
        );
      }
    }
  }
  return { observations, rejected, missing: 0 };
}

function cityPositions(sentence: string, cities: MarketRef[]): { at: number; id: string }[] {
  const out: { at: number; id: string }[] = [];
  for (const c of cities) {
    const re = new RegExp(`\\b${c.name}\\b`, 'g');
    for (const m of sentence.matchAll(re)) out.push({ at: m.index ?? 0, id: c.id });
  }
  return out.sort((a, b) => a.at - b.at);
}

// The first city after the amount (which ends at `end`) and before the next amount.
function nextCity(
  found: { at: number; id: string }[],
  at: number,
  end: number,
  sentence: string,
  money: RegExp,
): string | undefined {
  const re = new RegExp(money.source, 'gi');
  re.lastIndex = end; // not at + 1: "6,350 won" would match again as "350 won"

  const next = re.exec(sentence);
  const limit = next ? next.index : sentence.length;
  return found.find((f) => f.at > at && f.at < limit)?.id;
}

function previousCity(found: { at: number; id: string }[], at: number): string | undefined {
  return [...found].reverse().find((f) => f.at < at)?.id;
}

// Article links from the category listing: 2020s slugs and legacy read.php pages.
export function articleLinks(html: string, base: string): string[] {
  const $ = cheerio.load(html);
  const links = new Set<string>();
  $('a[href]').each((_, a) => {
    const href = $(a).attr('href')!;
    let u: URL;
    try {
      u = new URL(href, base);
    } catch {
      return;
    }
    if (/\/english\/read\.php$/.test(u.pathname) && u.searchParams.get('num'))
      links.add(u.toString());
    else if (
      /^\/english\/[a-z0-9-]+\/?$/.test(u.pathname) &&
      !/^\/english\/(category|tag|page|author)\b/.test(u.pathname) &&
      /-/.test(u.pathname)
    )
      links.add(u.toString());
  });
  return [...links];
}

export function parseDailyNkListing(html: string, url: string): ParseResult {
  if (!articleLinks(html, url).length)
    throw new LayoutChangedError(`${url}: the listing has no article link`);
  return { observations: [], rejected: [], missing: 0 };
}

export { MONTH_DAY };
