import { isCountryCode } from '../../common/countries';
import type { PriceFileImporter } from '../shared/price-file';
export { parseColumnMap } from '../shared/column-map';
import {
  countryOfFile,
  fileRowMemo,
  parseWfpFields,
  WFP_COLUMNS,
  WfpColumnIndex,
  WfpFileError,
} from '../wfp-hdx/wfp-hdx.parser';

export const PRICE_TABLE_META = {
  id: 'price-table',
  name: 'Price tables read with a column map',
  homeUrl: 'https://github.com/',
  credit: 'Prices from a user-supplied table; credit its publisher.',
};

const REQUIRED = ['date', 'market', 'commodity', 'unit', 'price'] as const;

// Any long table (one price a row) with a column map naming the file's column for each field:
// --map date=Date,market=Market_Name,commodity=Item,unit=Unit,price=Price[,currency=...,
// pricetype=...,admin1=...,latitude=...,longitude=...,country=ISO3 column]. Never auto-detected.
export const PRICE_TABLE_IMPORTER: PriceFileImporter = {
  id: 'price-table',
  name: 'any long price table, read with a column map (--map date=Date,market=Market,...)',
  source: PRICE_TABLE_META,
  writes: 'observations',
  parserVersion: 'price-table/1.0.0',
  layout: `--map field=Column for ${REQUIRED.join(', ')} (and optionally ${WFP_COLUMNS.filter((c) => !(REQUIRED as readonly string[]).includes(c)).join(', ')}, country)`,
  recognises: () => false,
  reader(header, _second, ctx) {
    const map = ctx.map;
    if (!map) throw new WfpFileError(`map: the price-table importer needs --map (${this.layout})`);
    const fields = [...WFP_COLUMNS, 'country'];
    const unknown = Object.keys(map).filter((k) => !fields.includes(k));
    if (unknown.length)
      throw new WfpFileError(
        `map: unknown field ${unknown.join(', ')} (fields: ${fields.join(', ')})`,
      );
    const lower = header.map((h) => h.trim().toLowerCase());
    const at = (column: string | undefined) =>
      column === undefined ? -1 : lower.indexOf(column.trim().toLowerCase());
    const missing = Object.entries(map).filter(([, column]) => at(column) < 0);
    if (missing.length)
      throw new WfpFileError(
        `map: the file has no column ${missing.map(([f, c]) => `"${c}" (for ${f})`).join(', ')} (columns: ${header.join(', ')})`,
      );
    const lacking = REQUIRED.filter((f) => map[f] === undefined);
    if (lacking.length)
      throw new WfpFileError(`map: name the file's column for ${lacking.join(', ')}`);
    const ix = Object.fromEntries(WFP_COLUMNS.map((c) => [c, at(map[c])])) as WfpColumnIndex;
    const countryAt = at(map.country);
    const country = countryAt >= 0 ? undefined : countryOfFile(ctx.fileName, ctx.country);
    if (country !== undefined && !isCountryCode(country))
      throw new WfpFileError(`country: ${country} is not an ISO 3166-1 alpha-3 country code`);
    const memo = fileRowMemo();
    return {
      country,
      read(f) {
        const iso3 = country ?? (f[countryAt] ?? '').trim().toUpperCase();
        if (!isCountryCode(iso3))
          return { reason: `${map.country}: "${iso3}" is not an ISO 3166-1 alpha-3 country code` };
        return parseWfpFields(f, ix, iso3, undefined, memo);
      },
    };
  },
};
