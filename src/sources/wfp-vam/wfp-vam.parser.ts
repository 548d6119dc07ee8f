import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { RecordVerdict } from '../shared/price-file';
import {
  FileRowMemo,
  parseWfpFields,
  WFP_COLUMNS,
  WfpColumnIndex,
  WfpFileError,
} from '../wfp-hdx/wfp-hdx.parser';

export const WFP_VAM_PARSER_VERSION = 'wfp-vam/1.0.0';

// WFP's older global file ("Global Food Prices Database", every country in one file):
//   adm0_id,adm0_name,adm1_id,adm1_name,mkt_id,mkt_name,cm_id,cm_name,cur_id,cur_name,pt_id,
//   pt_name,um_id,um_name,mp_month,mp_year,mp_price,mp_commoditysource
// The country from adm0_name through the shipped table data/reference/wfp-country-names.csv (a
// name not in it is refused with the name), the month's 15th as the date (HDX dates the same
// prices so), and every row placed on the HDX columns, so that the same price imported in both
// layouts is the same observation.
export const VAM_COLUMNS = [
  'adm0_name',
  'adm1_name',
  'mkt_name',
  'cm_name',
  'cur_name',
  'pt_name',
  'um_name',
  'mp_month',
  'mp_year',
  'mp_price',
] as const;

const NAMES_FILE = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  'data',
  'reference',
  'wfp-country-names.csv',
);

let countryTable: Map<string, string> | undefined;

// adm0_name -> ISO 3166-1 alpha-3, as WFP spells the names (UN style, "Iran  (Islamic Republic
// of)" with its two spaces included).
export function vamCountryTable(): Map<string, string> {
  countryTable ??= new Map(
    parse<{ adm0_name: string; iso3: string }>(readFileSync(NAMES_FILE, 'utf8'), {
      columns: true,
    }).map((r) => [r.adm0_name, r.iso3]),
  );
  return countryTable;
}

const HDX_INDEX = Object.fromEntries(WFP_COLUMNS.map((c, i) => [c, i])) as WfpColumnIndex;

// "Rice (coarse) - Retail": the price type repeated in the commodity name is dropped, so the
// commodity is the one HDX names.
const withoutPriceType = (name: string, priceType: string): string => {
  const suffix = ` - ${priceType}`;
  return priceType && name.toLowerCase().endsWith(suffix.toLowerCase())
    ? name.slice(0, -suffix.length).trim()
    : name;
};

export type VamColumnIndex = Record<(typeof VAM_COLUMNS)[number] | 'mkt_id' | 'cm_id', number>;

export function vamColumnIndex(header: string[]): VamColumnIndex {
  const missing = VAM_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length)
    throw new WfpFileError(
      `not a WFP VAM global file: the header lacks ${missing.join(', ')} (expected adm0_id,adm0_name,adm1_id,adm1_name,mkt_id,mkt_name,cm_id,cm_name,cur_id,cur_name,pt_id,pt_name,um_id,um_name,mp_month,mp_year,mp_price,mp_commoditysource)`,
    );
  return Object.fromEntries(
    [...VAM_COLUMNS, 'mkt_id', 'cm_id'].map((c) => [c, header.indexOf(c)]),
  ) as VamColumnIndex;
}

// One VAM record into a row, or the reason it is refused.
export function parseVamFields(
  f: string[],
  ix: VamColumnIndex,
  today?: Date,
  names = vamCountryTable(),
  memo?: FileRowMemo,
): RecordVerdict {
  // a spreadsheet program's damage: the whole line wrapped in one more pair of quotes
  if (f.length === 1 && f[0].includes(','))
    return {
      reason:
        'the line is one quoted field: a spreadsheet program wrapped the whole line in quotes (save the file again as plain CSV)',
    };
  const get = (i: number): string => (f[i] ?? '').trim();
  const countryName = get(ix.adm0_name);
  const iso3 = names.get(countryName) ?? names.get(countryName.replace(/\s+/g, ' '));
  if (!iso3)
    return {
      reason: `adm0_name: "${countryName}" is not in data/reference/wfp-country-names.csv (add its ISO 3166-1 alpha-3 code there)`,
    };
  const month = get(ix.mp_month);
  const year = get(ix.mp_year);
  if (!/^\d{1,2}$/.test(month) || Number(month) < 1 || Number(month) > 12)
    return { reason: `mp_month: "${month}" is not a month 1 to 12` };
  if (!/^\d{4}$/.test(year)) return { reason: `mp_year: "${year}" is not a year` };
  const priceType = get(ix.pt_name);
  const hdx = new Array<string>(WFP_COLUMNS.length).fill('');
  hdx[HDX_INDEX.date] = `${year}-${month.padStart(2, '0')}-15`;
  hdx[HDX_INDEX.admin1] = get(ix.adm1_name);
  hdx[HDX_INDEX.market] = get(ix.mkt_name);
  hdx[HDX_INDEX.commodity] = withoutPriceType(get(ix.cm_name), priceType);
  hdx[HDX_INDEX.unit] = get(ix.um_name);
  hdx[HDX_INDEX.priceflag] = 'actual';
  hdx[HDX_INDEX.pricetype] = priceType;
  hdx[HDX_INDEX.currency] = get(ix.cur_name);
  hdx[HDX_INDEX.price] = get(ix.mp_price);
  if (ix.mkt_id >= 0) hdx[HDX_INDEX.market_id] = get(ix.mkt_id);
  if (ix.cm_id >= 0) hdx[HDX_INDEX.commodity_id] = get(ix.cm_id);
  return parseWfpFields(hdx, HDX_INDEX, iso3, today, memo);
}
