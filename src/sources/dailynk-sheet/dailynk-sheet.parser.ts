import { parse as parseCsv } from 'csv-parse/sync';
import { LayoutChangedError } from '../source.error';
import { ParseContext, ParseResult, ParsedObservation, RejectedValue } from '../source.types';
import { isCalendarDate, isoDate, readPublishedNumber, toCurrentWon } from '../shared/normalise';

export const DAILYNK_SHEET_PARSER_VERSION = 'dailynk-sheet/1.0.0';

export type SheetTab = 'rice' | 'rate';

const TABS: Record<SheetTab, { commodityId: string; unit: string }> = {
  rice: { commodityId: 'rice', unit: 'KPW/kg' },
  rate: { commodityId: 'usd', unit: 'KPW/USD' },
};

// The three survey cities; the sheet's header must name all of them.
const REQUIRED_CITY_HEADERS = ['평양', '신의주', '혜산'];

export function isSheetTab(tab: string): tab is SheetTab {
  return tab === 'rice' || tab === 'rate';
}

const DATE = /^(\d{2})-(\d{2})-(\d{2})$/;

// Parses one tab of the Daily NK survey sheet (CSV export): a header of Korean city names, then one
// row per survey date `YY-MM-DD`. Columns are mapped by header name, never by position.
export function parseDailyNkSheet(body: string, tab: SheetTab, ctx: ParseContext): ParseResult {
  const { commodityId, unit } = TABS[tab];
  let rows: string[][];
  try {
    rows = parseCsv(body.replace(/^\uFEFF/, ''), {
      relax_column_count: true,
      skip_empty_lines: true,
    });
  } catch (err) {
    throw new LayoutChangedError(`tab ${tab}: not a CSV sheet (${(err as Error).message})`);
  }
  if (rows.length === 0) throw new LayoutChangedError(`tab ${tab}: empty body`);

  const header = rows[0].map((h) => h.trim());
  const byKoreanName = new Map(
    ctx.markets.filter((m) => m.nameKo).map((m) => [m.nameKo as string, m.id]),
  );
  const missingHeaders = REQUIRED_CITY_HEADERS.filter((h) => !header.includes(h));
  if (missingHeaders.length) {
    throw new LayoutChangedError(
      `tab ${tab}: header ${JSON.stringify(header)} lacks the city columns ${missingHeaders.join(', ')}`,
    );
  }
  const columns: { index: number; marketId: string }[] = [];
  for (let i = 1; i < header.length; i++) {
    if (header[i] === '') continue;
    const marketId = byKoreanName.get(header[i]);
    if (!marketId) {
      throw new LayoutChangedError(`tab ${tab}: unknown column header "${header[i]}"`);
    }
    columns.push({ index: i, marketId });
  }

  const observations: ParsedObservation[] = [];
  const rejected: RejectedValue[] = [];
  const seenDates = new Set<string>();
  let missing = 0;
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    const dateText = (row[0] ?? '').trim();
    const m = DATE.exec(dateText);
    const values = columns.map((c) => row[c.index] ?? '');
    if (!m || !isCalendarDate(2000 + Number(m[1]), Number(m[2]), Number(m[3]))) {
      for (const v of values) {
        if (v.trim())
          rejected.push({
            location: `${tab} row ${r + 1}`,
            rawValue: v,
            reason: `bad date "${dateText}"`,
          });
      }
      continue;
    }
    const date = isoDate(2000 + Number(m[1]), Number(m[2]), Number(m[3]));
    if (seenDates.has(date)) {
      for (const v of values) {
        if (v.trim())
          rejected.push({
            location: `${tab} row ${r + 1}`,
            rawValue: v,
            reason: `date ${date} appears twice in the tab`,
          });
      }
      continue;
    }
    seenDates.add(date);
    columns.forEach((col, k) => {
      const raw = values[k];
      const reading = readPublishedNumber(raw);
      if (reading.kind === 'missing') {
        missing++;
        return;
      }
      if (reading.kind === 'malformed') {
        rejected.push({
          location: `${tab} ${date} ${col.marketId}`,
          rawValue: raw,
          reason: reading.reason,
        });
        return;
      }
      const won = toCurrentWon(reading.value, date);
      observations.push({
        marketId: col.marketId,
        commodityId,
        surveyDate: date,
        value: won.value,
        unit,
        currency: 'KPW',
        rawValue: raw,
        flag: 'observed',
        qualityNotes: won.note,
      });
    });
  }
  if (observations.length === 0) {
    throw new LayoutChangedError(`tab ${tab}: no price rows found (${rows.length - 1} rows read)`);
  }
  return { observations, rejected, missing };
}
