import * as cheerio from 'cheerio/slim';
import { LayoutChangedError } from '../source.error';
import { ParseResult, ParsedObservation, RejectedValue } from '../source.types';
import { isCalendarDate, isoDate, readPublishedNumber, toCurrentWon } from '../shared/normalise';
import { readKoreanNumber } from '../shared/korean-number';

export const DAILYNK_KO_PARSER_VERSION = 'dailynk-ko/1.0.0';

// Daily NK's Korean legacy market table (SOURCES.md section 3): one row per survey week
// "YY-MM-DD ~ YY-MM-DD", six value columns (USD rate then rice per kg, each for Pyongyang, Sinuiju,
// Hyesan), each value followed by "(n)", the change since the last survey WITHOUT a sign (ignored).
// A free-text comment row follows a data row; a yuan rate named with a city is read from it.
const CITIES = ['pyongyang', 'sinuiju', 'hyesan'] as const;
const CITY_KO: Record<string, (typeof CITIES)[number]> = {
  평양: 'pyongyang',
  신의주: 'sinuiju',
  혜산: 'hyesan',
};
const COLUMNS = [
  ...CITIES.map((m) => ({ marketId: m, commodityId: 'usd', unit: 'KPW/USD' })),
  ...CITIES.map((m) => ({ marketId: m, commodityId: 'rice', unit: 'KPW/kg' })),
];
const PERIOD = /^(\d{2})-(\d{2})-(\d{2})\s*~\s*(\d{2})-(\d{2})-(\d{2})$/;
const VALUE = /^\s*([\d,]*)\s*(?:\(\s*\d*\s*\))?\s*$/;
const YUAN_WORDS = /위안|元|인민폐|중국\s*돈/;
const YUAN_MENTION =
  /(평양|신의주|혜산)\s*(?:에서는?|은|는)?\s*(?:위안화?\s*)?(약?\s*\d[\d,]*(?:\s*[만천백]\s*[\d,]*)*\s*원)/g;

function day(y: string, m: string, d: string): string | null {
  const Y = 2000 + Number(y);
  return isCalendarDate(Y, Number(m), Number(d)) ? isoDate(Y, Number(m), Number(d)) : null;
}

export function parseDailyNkKoreanTable(html: string): ParseResult {
  const $ = cheerio.load(html);
  const observations: ParsedObservation[] = [];
  const rejected: RejectedValue[] = [];
  let missing = 0;
  let dataRows = 0;
  let last: { start: string; end: string; usd: Map<string, number> } | null = null;

  $('table tr').each((_, tr) => {
    const cells = $(tr)
      .children('td')
      .map((__, td) => $(td).text().replace(/\s+/g, ' ').trim())
      .get();
    if (!cells.length) return;
    const m = PERIOD.exec(cells[0]);
    if (m && cells.length === 7) {
      dataRows++;
      const start = day(m[1], m[2], m[3]);
      const end = day(m[4], m[5], m[6]);
      if (!start || !end || end < start) {
        cells.slice(1).forEach((v) =>
          rejected.push({
            location: `row ${cells[0]}`,
            rawValue: v,
            reason: `bad period "${cells[0]}"`,
          }),
        );
        last = null;
        return;
      }
      const usd = new Map<string, number>();
      COLUMNS.forEach((col, i) => {
        const raw = cells[i + 1];
        const v = VALUE.exec(raw);
        if (!v)
          return void rejected.push({
            location: `${start} ${col.marketId} ${col.commodityId}`,
            rawValue: raw,
            reason: `not a value with its change: "${raw}"`,
          });
        const reading = readPublishedNumber(v[1]);
        if (reading.kind === 'missing') return void missing++;
        if (reading.kind === 'malformed')
          return void rejected.push({
            location: `${start} ${col.marketId} ${col.commodityId}`,
            rawValue: raw,
            reason: reading.reason,
          });
        const won = toCurrentWon(reading.value, start);
        if (col.commodityId === 'usd') usd.set(col.marketId, won.value);
        observations.push({
          ...col,
          surveyDate: start,
          periodStart: start,
          periodEnd: end,
          value: won.value,
          currency: 'KPW',
          rawValue: raw,
          flag: 'observed',
          qualityNotes: won.note,
        });
      });
      last = { start, end, usd };
      return;
    }
    // a comment row: the yuan rate where it names a city
    if (last && cells.length === 1) {
      const text = cells[0];
      for (const hit of text.matchAll(YUAN_MENTION)) {
        const marketId = CITY_KO[hit[1]];
        const reading = readKoreanNumber(hit[2]);
        if (reading.kind !== 'value') continue;
        if (!(reading.value > 0)) {
          rejected.push({
            location: `${last.start} ${marketId} cny`,
            rawValue: hit[0],
            reason: 'a yuan rate must be a positive number',
          });
          continue;
        }
        const usd = last.usd.get(marketId);
        const ratio = usd === undefined ? undefined : usd / reading.value;
        if (!YUAN_WORDS.test(text)) {
          // no yuan word: only a value a yuan rate can be (the dollar buys 5 to 8.5 yuan) counts
          if (ratio === undefined || ratio < 5 || ratio > 8.5) continue;
        } else if (ratio !== undefined && (ratio < 3 || ratio > 12)) {
          rejected.push({
            location: `${last.start} ${marketId} cny`,
            rawValue: hit[0],
            reason: `implausible yuan rate: the same week's dollar rate is ${usd}`,
          });
          continue;
        }
        const won = toCurrentWon(reading.value, last.start);
        observations.push({
          marketId,
          commodityId: 'cny',
          surveyDate: last.start,
          periodStart: last.start,
          periodEnd: last.end,
          value: won.value,
          unit: 'KPW/CNY',
          currency: 'KPW',
          rawValue: hit[0],
          flag: 'observed',
          qualityNotes: ['yuan rate read from the comment row', won.note]
            .filter(Boolean)
            .join('; '),
        });
      }
    }
  });
  if (dataRows === 0)
    throw new LayoutChangedError(
      'no weekly row "YY-MM-DD ~ YY-MM-DD" with six value columns found',
    );
  if (observations.length === 0)
    throw new LayoutChangedError(`${dataRows} weekly rows but no value could be read`);
  return { observations, rejected, missing };
}
