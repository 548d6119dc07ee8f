import { isCountryCode } from '../../common/countries';
import type { PriceFileImporter } from '../shared/price-file';
import {
  checkHeader,
  columnIndex,
  countryOfFile,
  fileRowMemo,
  missingColumns,
  parseWfpFields,
  WFP_COLUMNS,
  WFP_HDX_META,
  WFP_HDX_PARSER_VERSION,
  WfpFileError,
} from './wfp-hdx.parser';

// WFP's current HDX layout, one country a file (wfp_food_prices_<iso3>.csv), with or without
// market_id/commodity_id and with or without the HXL tag row.
export const WFP_HDX_IMPORTER: PriceFileImporter = {
  id: 'wfp-hdx',
  name: 'WFP food prices, HDX layout (one country a file)',
  source: WFP_HDX_META,
  writes: 'observations',
  parserVersion: WFP_HDX_PARSER_VERSION,
  layout: WFP_COLUMNS.join(','),
  recognises: (header) => missingColumns(header).length === 0,
  reader(header, _second, ctx) {
    checkHeader(header);
    const country = countryOfFile(ctx.fileName, ctx.country);
    if (!isCountryCode(country))
      throw new WfpFileError(`country: ${country} is not an ISO 3166-1 alpha-3 country code`);
    const ix = columnIndex(header);
    let first = true;
    const memo = fileRowMemo();
    return {
      country,
      read(fields) {
        // the HXL tag row, when the file has one, comes first
        const tags = first && (fields[ix.date] ?? '').trim().startsWith('#');
        first = false;
        return tags ? { skip: 'hxl-tags' } : parseWfpFields(fields, ix, country, undefined, memo);
      },
    };
  },
};
