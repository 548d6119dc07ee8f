import { isCalendarDate } from '../../common/dates';
import { ObservationFlag, SourceMeta } from '../source.types';

export const WFP_HDX_PARSER_VERSION = 'wfp-hdx/1.0.0';

export const WFP_HDX_META: SourceMeta = {
  id: 'wfp-hdx',
  name: 'WFP food prices (Humanitarian Data Exchange)',
  homeUrl: 'https://data.humdata.org/organization/wfp',
  credit:
    'Food prices from the World Food Programme (WFP) VAM market monitoring, published on the Humanitarian Data Exchange (HDX).',
};

// WFP's food-price files on HDX, one per country (wfp_food_prices_<iso3>.csv):
//   date,admin1,admin2,market,latitude,longitude,category,commodity,unit,priceflag,pricetype,
//   currency,price,usdprice   (optionally market_id and commodity_id), and often a second row of
//   HXL tags (#date,#adm1+name,...) to skip. Every valid row is kept with everything it says: price
//   type, unit as published, the flag word, the row's currency, the USD price, the category.

export const WFP_COLUMNS = [
  'date',
  'admin1',
  'admin2',
  'market',
  'latitude',
  'longitude',
  'category',
  'commodity',
  'unit',
  'priceflag',
  'pricetype',
  'currency',
  'price',
  'usdprice',
] as const;

export class WfpFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WfpFileError';
  }
}

// "Maize (white)" -> "maize-white"; "Oil (vegetable, local)" -> "oil-vegetable-local".
export const slug = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

// Market ids are unique across countries: the country, the admin1 and the market name.
export const wfpMarketId = (iso3: string, admin1: string, market: string): string =>
  [iso3.toLowerCase(), slug(admin1) || 'na', slug(market)].join('-');

// The flag word as WFP writes it, onto the observation flag (the word itself is kept too).
export function wfpFlag(word: string): ObservationFlag {
  const w = word.toLowerCase();
  if (w.includes('aggregate')) return 'aggregated';
  if (w.includes('forecast') || w.includes('imput') || w.includes('estimat')) return 'imputed';
  return 'observed';
}

export { perBaseUnit } from '../../common/units';

export interface WfpRow {
  marketId: string;
  market: {
    name: string;
    admin1: string | null;
    admin2: string | null;
    latitude: number | null;
    longitude: number | null;
  };
  commodityId: string;
  commodity: { name: string; category: string };
  surveyDate: string;
  value: number;
  unit: string;
  priceType: string;
  currency: string;
  usdValue: number | undefined;
  priceFlag: string;
  flag: ObservationFlag;
  rawValue: string;
}

const num = (v: string | undefined): number | null => {
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : NaN;
};

// One CSV record (by header name) into a row to store, or the reason it is refused.
export function parseWfpRecord(
  r: Record<string, string | undefined>,
  iso3: string,
): { row: WfpRow } | { reason: string } {
  const date = (r.date ?? '').trim();
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!dm || !isCalendarDate(Number(dm[1]), Number(dm[2]), Number(dm[3])))
    return { reason: `date: "${date}" is not a calendar date written YYYY-MM-DD` };
  const market = (r.market ?? '').trim();
  if (!market) return { reason: 'market: missing' };
  const commodity = (r.commodity ?? '').trim();
  if (!commodity || !slug(commodity)) return { reason: 'commodity: missing' };
  const unit = (r.unit ?? '').trim();
  if (!unit) return { reason: 'unit: missing' };
  const rawPrice = (r.price ?? '').trim();
  const price = num(rawPrice);
  if (price === null) return { reason: 'price: missing' };
  if (Number.isNaN(price)) return { reason: `price: "${rawPrice}" is not a number` };
  if (!(price > 0)) return { reason: `price: ${rawPrice} is not positive` };
  const usd = num(r.usdprice);
  const lat = num(r.latitude);
  const lon = num(r.longitude);
  const coordinatesOk =
    lat !== null &&
    lon !== null &&
    !Number.isNaN(lat) &&
    !Number.isNaN(lon) &&
    Math.abs(lat) <= 90 &&
    Math.abs(lon) <= 180;
  const admin1 = (r.admin1 ?? '').trim() || null;
  const word = (r.priceflag ?? '').trim() || 'actual';
  return {
    row: {
      marketId: wfpMarketId(iso3, admin1 ?? '', market),
      market: {
        name: market,
        admin1,
        admin2: (r.admin2 ?? '').trim() || null,
        latitude: coordinatesOk ? lat : null,
        longitude: coordinatesOk ? lon : null,
      },
      commodityId: slug(commodity),
      commodity: { name: commodity, category: (r.category ?? '').trim() },
      surveyDate: date,
      value: price,
      unit,
      priceType: ((r.pricetype ?? '').trim() || 'retail').toLowerCase(),
      currency: (r.currency ?? '').trim() || 'unknown',
      usdValue: usd !== null && !Number.isNaN(usd) && usd > 0 ? usd : undefined,
      priceFlag: word,
      flag: wfpFlag(word),
      rawValue: rawPrice,
    },
  };
}

// The country of a file: --country, or the usual file name wfp_food_prices_<iso3>.csv.
export function countryOfFile(fileName: string | undefined, given: string | undefined): string {
  if (given) return given.trim().toUpperCase();
  const m = /wfp_food_prices_([a-z]{3})\b/i.exec(fileName ?? '');
  if (m) return m[1].toUpperCase();
  throw new WfpFileError(
    `country: name it with --country ISO3 (or ?country= over the API), or use the file name wfp_food_prices_<iso3>.csv (got ${fileName ?? 'no file name'})`,
  );
}

// The header row must have the columns the format promises.
export function checkHeader(columns: string[]): void {
  const missing = WFP_COLUMNS.filter(
    (c) => c !== 'usdprice' && c !== 'admin2' && !columns.includes(c),
  );
  if (missing.length)
    throw new WfpFileError(
      `not a WFP food-price file: the header lacks ${missing.join(', ')} (expected ${WFP_COLUMNS.join(',')})`,
    );
}
