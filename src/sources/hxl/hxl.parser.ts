import { isCountryCode } from '../../common/countries';
import type { RecordVerdict } from '../shared/price-file';
import {
  countryOfFile,
  FileRowMemo,
  parseWfpFields,
  WFP_COLUMNS,
  WfpColumnIndex,
  WfpFileError,
} from '../wfp-hdx/wfp-hdx.parser';

export const HXL_PARSER_VERSION = 'hxl/1.0.0';

// HXL (the Humanitarian Exchange Language): a row of hashtags under the header names each column,
// whatever the header says or the order. A tag is a hashtag with attributes (#loc+market+name);
// attributes are unordered, so #loc+name+market is the same column.
const norm = (tag: string): string => {
  const [hash, ...attrs] = tag.trim().toLowerCase().split('+');
  return [hash, ...attrs.filter(Boolean).sort()].join('+');
};

// The HDX column each tag fills (the first tag present wins where two are listed).
const TAGS: Record<(typeof WFP_COLUMNS)[number], string[]> = {
  date: ['#date'],
  admin1: ['#adm1+name', '#adm1'],
  admin2: ['#adm2+name', '#adm2'],
  market: ['#loc+market+name', '#loc+market', '#loc+name'],
  latitude: ['#geo+lat'],
  longitude: ['#geo+lon'],
  category: ['#item+type'],
  commodity: ['#item+name', '#item'],
  unit: ['#item+unit'],
  priceflag: ['#item+flag+price'],
  pricetype: ['#item+price+type'],
  currency: ['#currency+code', '#currency'],
  price: ['#value'],
  usdprice: ['#usd+value'],
  market_id: ['#loc+market+code'],
  commodity_id: ['#item+code'],
};
const COUNTRY_TAGS = ['#country+code', '#country+code+iso3'];
const REQUIRED = ['date', 'market', 'commodity', 'unit', 'price'] as const;

export const isHxlRow = (fields: string[] | undefined): boolean =>
  !!fields && fields.filter((f) => f.trim().startsWith('#')).length >= 3;

export interface HxlIndex {
  columns: WfpColumnIndex;
  country: number; // -1: the file's one country (--country or the file name)
}

export function hxlIndex(tags: string[]): HxlIndex {
  const normalized = tags.map(norm);
  const find = (wanted: string[]) => {
    for (const w of wanted) {
      const i = normalized.indexOf(norm(w));
      if (i >= 0) return i;
    }
    return -1;
  };
  const columns = Object.fromEntries(WFP_COLUMNS.map((c) => [c, find(TAGS[c])])) as WfpColumnIndex;
  const missing = REQUIRED.filter((c) => columns[c] < 0);
  if (missing.length)
    throw new WfpFileError(
      `not an HXL price file: no column tagged ${missing.map((c) => TAGS[c][0]).join(', ')} (tags read: ${tags.filter((t) => t.trim()).join(',')})`,
    );
  return { columns, country: find(COUNTRY_TAGS) };
}

// The country of a row: its #country+code column, else the file's.
export function hxlCountry(
  ix: HxlIndex,
  ctx: { fileName?: string; country?: string },
): string | undefined {
  if (ix.country >= 0) return undefined;
  const country = countryOfFile(ctx.fileName, ctx.country);
  if (!isCountryCode(country))
    throw new WfpFileError(`country: ${country} is not an ISO 3166-1 alpha-3 country code`);
  return country;
}

export function parseHxlFields(
  f: string[],
  ix: HxlIndex,
  fileCountry: string | undefined,
  today?: Date,
  memo?: FileRowMemo,
): RecordVerdict {
  const country = fileCountry ?? (f[ix.country] ?? '').trim().toUpperCase();
  if (!isCountryCode(country))
    return { reason: `#country+code: "${country}" is not an ISO 3166-1 alpha-3 country code` };
  return parseWfpFields(f, ix.columns, country, today, memo);
}
