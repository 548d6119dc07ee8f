import { parse } from 'csv-parse/sync';
import { isCountryCode } from '../common/countries';
import { BadInputError } from '../common/domain-error';

// Mobile-cellular subscriptions per 100 people for any country, from two shapes of file:
// - the World Bank WDI download (API_IT.CEL.SETS.P2_DS2_...csv): four metadata lines, then
//   "Country Name","Country Code","Indicator Name","Indicator Code","1960",...,"2023", one row per
//   country or aggregate, empty cells for missing years;
// - a long CSV with a header country,year,value (detected by its header).
// Aggregates (WLD, EUU, HIC, ...) are not countries: refused with the reason, as are bad numbers.

export interface SubscriptionPoint {
  country: string;
  year: number;
  value: number;
}

export interface SubscriptionFile {
  shape: 'wdi' | 'long';
  points: SubscriptionPoint[];
  rejected: { row: number; reason: string }[];
}

export class SubscriptionFileError extends BadInputError {}

export function parseSubscriptionFile(text: string): SubscriptionFile {
  let rows: string[][];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), {
      relax_column_count: true,
      skip_empty_lines: false, // keep blank lines, so a row number is the file's line number
      trim: true,
    });
  } catch (err) {
    // csv-parse names the line and the problem (an unclosed or misplaced quote)
    throw new SubscriptionFileError(`not a readable CSV file: ${(err as Error).message}`);
  }
  const blank = (r: string[]) => r.every((c) => c === '');
  const points: SubscriptionPoint[] = [];
  const rejected: { row: number; reason: string }[] = [];
  const headerAt = rows.findIndex(
    (r) => r.includes('Country Code') && r.includes('Indicator Code'),
  );
  if (headerAt >= 0) {
    const header = rows[headerAt];
    const code = header.indexOf('Country Code');
    const indicator = header.indexOf('Indicator Code');
    const years = header
      .map((h, i) => ({ year: Number(h), i }))
      .filter((y) => Number.isInteger(y.year) && y.year > 1900);
    rows.slice(headerAt + 1).forEach((r, k) => {
      const row = headerAt + k + 2;
      if (blank(r)) return;
      if (r[indicator] && r[indicator] !== 'IT.CEL.SETS.P2')
        return void rejected.push({
          row,
          reason: `indicator ${r[indicator]} is not IT.CEL.SETS.P2`,
        });
      const iso3 = (r[code] ?? '').toUpperCase();
      if (!isCountryCode(iso3))
        return void rejected.push({
          row,
          reason: `${iso3 || 'no code'} is not an ISO 3166-1 alpha-3 country (an aggregate?)`,
        });
      for (const { year, i } of years) {
        const cell = (r[i] ?? '').trim();
        if (cell === '') continue; // a missing year
        const value = Number(cell);
        if (!Number.isFinite(value) || value < 0)
          rejected.push({ row, reason: `${iso3} ${year}: "${cell}" is not a non-negative number` });
        else points.push({ country: iso3, year, value });
      }
    });
    return { shape: 'wdi', points, rejected };
  }
  const header = (rows[0] ?? []).map((h) => h.toLowerCase());
  const [c, y, v] = ['country', 'year', 'value'].map((n) => header.indexOf(n));
  if (c < 0 || y < 0 || v < 0)
    throw new SubscriptionFileError(
      'not a subscriptions file: neither the World Bank WDI layout ("Country Code", "Indicator Code", years) nor a header country,year,value',
    );
  rows.slice(1).forEach((r, k) => {
    const row = k + 2;
    if (blank(r)) return;
    const iso3 = (r[c] ?? '').toUpperCase();
    const year = Number(r[y]);
    const value = Number(r[v]);
    if (!isCountryCode(iso3))
      return void rejected.push({
        row,
        reason: `${iso3 || 'no code'} is not an ISO 3166-1 alpha-3 country`,
      });
    if (!Number.isInteger(year) || year < 1960 || year > 2100)
      return void rejected.push({ row, reason: `year "${r[y]}" is not a year` });
    if (!Number.isFinite(value) || value < 0 || (r[v] ?? '').trim() === '')
      return void rejected.push({ row, reason: `value "${r[v]}" is not a non-negative number` });
    points.push({ country: iso3, year, value });
  });
  return { shape: 'long', points, rejected };
}
