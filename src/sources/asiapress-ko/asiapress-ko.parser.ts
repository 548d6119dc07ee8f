import * as cheerio from 'cheerio/slim';
import { LayoutChangedError } from '../source.error';
import { ParseResult, ParsedObservation, RejectedValue } from '../source.types';
import { isCalendarDate, isoDate, toCurrentWon } from '../shared/normalise';
import { readKoreanNumber } from '../shared/korean-number';

export const ASIAPRESS_KO_PARSER_VERSION = 'asiapress-ko/1.0.0';
export const NORTHERN_BORDER_REGION = 'northern-border';

// Asia Press's Korean running price table (SOURCES.md section 4): columns mapped by header name;
// dates YYYY/M/D; cells like "6,100원 (약1,010원)" whose bracket (a South Korean won equivalent) is
// dropped; commentary rows (해설) between the data rows are skipped by reading the DOM row by row.
// Goods are KPW per kg, fuel too. The rows are averages over the surveyed northern border cities:
// the market is the region, and the flag says aggregated.
const HEADERS: { match: RegExp; commodityId: string; unit: string }[] = [
  { match: /^휘발유/, commodityId: 'gasoline', unit: 'KPW/kg' },
  { match: /^디젤유|^디젤/, commodityId: 'diesel', unit: 'KPW/kg' },
  { match: /^백미|^쌀/, commodityId: 'rice', unit: 'KPW/kg' },
  { match: /^옥수수/, commodityId: 'corn', unit: 'KPW/kg' },
  { match: /元|위안|중국/, commodityId: 'cny', unit: 'KPW/CNY' },
  { match: /USD|달러/i, commodityId: 'usd', unit: 'KPW/USD' },
];
const DATE = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;

export function parseAsiaPressKoreanTable(html: string): ParseResult {
  const $ = cheerio.load(html);
  const observations: ParsedObservation[] = [];
  const rejected: RejectedValue[] = [];
  let missing = 0;
  let columns: { index: number; commodityId: string; unit: string }[] | null = null;

  $('table').each((_, table) => {
    $(table)
      .find('tr')
      .each((__, tr) => {
        const cells = $(tr)
          .children('th,td')
          .map((___, c) => $(c).text().replace(/\s+/g, ' ').trim())
          .get();
        if (!cells.length) return;
        if (cells[0].startsWith('조사일')) {
          columns = [];
          cells.forEach((h, i) => {
            const known = HEADERS.find((k) => k.match.test(h));
            if (i > 0 && known)
              columns!.push({ index: i, commodityId: known.commodityId, unit: known.unit });
          });
          return;
        }
        if (!columns) return;
        const m = DATE.exec(cells[0]);
        if (!m) return; // commentary (해설) and other rows
        const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
        if (!isCalendarDate(y, mo, d)) {
          for (const c of columns)
            if (cells[c.index])
              rejected.push({
                location: `row ${cells[0]}`,
                rawValue: cells[c.index],
                reason: `bad date "${cells[0]}"`,
              });
          return;
        }
        const date = isoDate(y, mo, d);
        for (const c of columns) {
          const raw = cells[c.index] ?? '';
          const main = raw.replace(/\(.*?\)/g, '').trim(); // drop the South Korean won equivalent
          if (main === '' || main === '-' || /^0+원?$/.test(main)) {
            missing++;
            continue;
          }
          const reading = readKoreanNumber(main);
          if (reading.kind !== 'value') {
            rejected.push({
              location: `${date} ${c.commodityId}`,
              rawValue: raw,
              reason: reading.reason,
            });
            continue;
          }
          const won = toCurrentWon(reading.value, date);
          observations.push({
            marketId: NORTHERN_BORDER_REGION,
            commodityId: c.commodityId,
            surveyDate: date,
            value: won.value,
            unit: c.unit,
            currency: 'KPW',
            rawValue: raw,
            flag: 'aggregated',
            qualityNotes: [
              'average of the surveyed northern border cities',
              reading.approximate ? 'published as approximate' : undefined,
              won.note,
            ]
              .filter(Boolean)
              .join('; '),
          });
        }
      });
  });
  if (columns === null)
    throw new LayoutChangedError('no price table with a 조사일 (survey date) header found');
  if ((columns as unknown[]).length < 2)
    throw new LayoutChangedError('the price table header names fewer than two known goods');
  if (observations.length === 0)
    throw new LayoutChangedError('the price table has no dated row with a value');
  return { observations, rejected, missing };
}
