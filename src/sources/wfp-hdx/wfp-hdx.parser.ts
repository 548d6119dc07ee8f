import { ObservationFlag, SourceMeta } from '../source.types';
import { BadInputError } from '../../common/domain-error';
import type { PriceFileRow, RecordVerdict } from '../shared/price-file';
import { dateRefusal, isAverageMarket, isForecast } from '../shared/price-file-rules';

// 1.1.0: placeholder and future dates refused, forecast rows skipped, averages marked
export const WFP_HDX_PARSER_VERSION = 'wfp-hdx/1.1.0';

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
  'market_id',
  'commodity_id',
] as const;

// Columns a file may lack: the second administrative level, the USD price, and WFP's own codes.
const OPTIONAL: readonly string[] = ['usdprice', 'admin2', 'market_id', 'commodity_id'];

// The required columns a header lacks (none: an HDX file).
export const missingColumns = (columns: string[]): string[] =>
  WFP_COLUMNS.filter((c) => !OPTIONAL.includes(c) && !columns.includes(c));

export class WfpFileError extends BadInputError {}

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
  [iso3.toLowerCase(), (admin1 && slugOnce(admin1)) || 'na', slugOnce(market)].join('-');

// What a file repeats on every row (its markets, commodities and flag words: a few thousand at
// most), made once per key: `make` runs on a key's first use only. Bounded, so a hostile file of
// unique names cannot grow it without limit.
function onceEach<V>(limit: number, make: (key: string) => V): (key: string) => V {
  const made = new Map<string, V>();
  return (key) => {
    let v = made.get(key);
    if (v === undefined) {
      if (made.size >= limit) made.clear();
      v = make(key);
      made.set(key, v);
    }
    return v;
  };
}

// A market's id and whether it is an average of others, per (country, admin1, market): per row
// they were an array, a join and a regular expression. Looked up by each name in turn (a key
// joined from the three was a string made, copied and hashed per row). Bounded, like onceEach.
interface MarketOnce {
  id: string;
  average: boolean;
}
const MARKETS_LIMIT = 100_000;
const marketsOnce = new Map<string, Map<string, Map<string, MarketOnce>>>();
let marketsMade = 0;
function marketOnce(iso3: string, admin1: string, market: string): MarketOnce {
  let byAdmin1 = marketsOnce.get(iso3);
  if (byAdmin1 === undefined) {
    byAdmin1 = new Map<string, Map<string, MarketOnce>>();
    marketsOnce.set(iso3, byAdmin1);
  }
  let byName = byAdmin1.get(admin1);
  if (byName === undefined) {
    byName = new Map<string, MarketOnce>();
    byAdmin1.set(admin1, byName);
  }
  let m = byName.get(market);
  if (m === undefined) {
    if (++marketsMade > MARKETS_LIMIT) {
      marketsOnce.clear();
      marketsMade = 1;
      return marketOnce(iso3, admin1, market);
    }
    m = { id: wfpMarketId(iso3, admin1, market), average: isAverageMarket(market) };
    byName.set(market, m);
  }
  return m;
}

// What one file's rows share, kept per reader (one file): each market's and commodity's
// description as its first row gives it (the import keeps only that row's anyway), one object
// for all its rows instead of two new ones per row.
export interface FileRowMemo {
  markets: Map<MarketOnce, PriceFileRow['market']>;
  commodities: Map<string, PriceFileRow['commodity']>;
}
export const fileRowMemo = (): FileRowMemo => ({ markets: new Map(), commodities: new Map() });

// The flag word's verdicts: a forecast, and the observation flag.
const wordOnce = onceEach(1_000, (word) => ({ forecast: isForecast(word), flag: wfpFlag(word) }));

// A price type as stored (lower case): one string per spelling, not one per row.
const priceTypeOnce = onceEach(1_000, (type) => type.toLowerCase());

// The flag word as WFP writes it, onto the observation flag (the word itself is kept too).
export function wfpFlag(word: string): ObservationFlag {
  const w = word.toLowerCase();
  if (w.includes('aggregate')) return 'aggregated';
  if (w.includes('forecast') || w.includes('imput') || w.includes('estimat')) return 'imputed';
  return 'observed';
}

export { perBaseUnit } from '../../common/units';

// A row of any price-file format (the shared contract's).
export type WfpRow = PriceFileRow;

// a field already trimmed: empty is null, else a finite number or NaN
const num = (v: string): number | null => {
  if (v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : NaN;
};

// The trimmed field at i (-1: the file has no such column).
const field = (f: string[], i: number): string => (i >= 0 ? (f[i] ?? '').trim() : '');

// Where each column of the format sits in a file's header (-1: absent).
export type WfpColumnIndex = Record<(typeof WFP_COLUMNS)[number], number>;

export function columnIndex(header: string[]): WfpColumnIndex {
  const names = header.map((h) => h.trim().toLowerCase());
  return Object.fromEntries(WFP_COLUMNS.map((c) => [c, names.indexOf(c)])) as WfpColumnIndex;
}

// Slugs of the names a file repeats on every row, made once each.
const slugOnce = onceEach(100_000, slug);

// One CSV record (by header name) into a row to store, or the reason it is refused.
export function parseWfpRecord(r: Record<string, string | undefined>, iso3: string): RecordVerdict {
  return parseWfpFields(
    WFP_COLUMNS.map((c) => r[c] ?? ''),
    Object.fromEntries(WFP_COLUMNS.map((c, i) => [c, i])) as WfpColumnIndex,
    iso3,
  );
}

// One CSV record (its fields, placed by the header's column index) into a row, the reason it is
// refused, or why it is not an observation (a forecast). Every price-file format ends here: the
// VAM and HXL readers place their columns on the same names.
export function parseWfpFields(
  f: string[],
  ix: WfpColumnIndex,
  iso3: string,
  today?: Date,
  memo?: FileRowMemo,
): RecordVerdict {
  const get = (i: number): string => field(f, i);
  const date = get(ix.date);
  const badDate = dateRefusal(date, today);
  if (badDate) return { reason: badDate };
  const market = get(ix.market);
  if (!market) return { reason: 'market: missing' };
  const commodity = get(ix.commodity);
  const commodityId = commodity ? slugOnce(commodity) : '';
  if (!commodityId) return { reason: 'commodity: missing' };
  const unit = get(ix.unit);
  if (!unit) return { reason: 'unit: missing' };
  const rawPrice = get(ix.price);
  const price = num(rawPrice);
  if (price === null) return { reason: 'price: missing' };
  if (Number.isNaN(price)) return { reason: `price: "${rawPrice}" is not a number` };
  if (!(price > 0)) return { reason: `price: ${rawPrice} is not positive` };
  const usd = num(get(ix.usdprice));
  const admin1 = get(ix.admin1) || null;
  const word = get(ix.priceflag) || 'actual';
  const verdict = wordOnce(word);
  if (verdict.forecast) return { skip: 'forecast' };
  const m = marketOnce(iso3, admin1 ?? '', market);
  let place = memo?.markets.get(m);
  if (place === undefined) {
    const lat = num(get(ix.latitude));
    const lon = num(get(ix.longitude));
    const coordinatesOk =
      lat !== null &&
      lon !== null &&
      !Number.isNaN(lat) &&
      !Number.isNaN(lon) &&
      Math.abs(lat) <= 90 &&
      Math.abs(lon) <= 180;
    place = {
      name: market,
      admin1,
      admin2: get(ix.admin2) || null,
      latitude: coordinatesOk ? lat : null,
      longitude: coordinatesOk ? lon : null,
    };
    memo?.markets.set(m, place);
  }
  let item = memo?.commodities.get(commodity);
  if (item === undefined) {
    item = { name: commodity, category: get(ix.category) };
    memo?.commodities.set(commodity, item);
  }
  return {
    row: {
      country: iso3,
      marketId: m.id,
      marketIsAverage: m.average,
      marketCode: get(ix.market_id) || undefined,
      commodityCode: get(ix.commodity_id) || undefined,
      market: place,
      commodityId,
      commodity: item,
      surveyDate: date,
      value: price,
      unit,
      priceType: priceTypeOnce(get(ix.pricetype) || 'retail'),
      currency: get(ix.currency) || 'unknown',
      usdValue: usd !== null && !Number.isNaN(usd) && usd > 0 ? usd : undefined,
      priceFlag: word,
      flag: verdict.flag,
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
  const missing = missingColumns(columns);
  if (missing.length)
    throw new WfpFileError(
      `not a WFP food-price file: the header lacks ${missing.join(', ')} (expected ${WFP_COLUMNS.join(',')})`,
    );
}
