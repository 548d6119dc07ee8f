import type { PriceFileImporter } from '../shared/price-file';
import { fileRowMemo } from '../wfp-hdx/wfp-hdx.parser';
import { HXL_PARSER_VERSION, hxlCountry, hxlIndex, isHxlRow, parseHxlFields } from './hxl.parser';

export const HXL_META = {
  id: 'hxl',
  name: 'HXL-tagged price files',
  homeUrl: 'https://hxlstandard.org/',
  credit:
    'Prices from an HXL-tagged file (Humanitarian Exchange Language); credit the publisher its HDX page names.',
};

// Any price table with a row of HXL hashtags under its header, read by the tags whatever the
// column names or their order. The header row is the file's first; the tags its second.
export const HXL_IMPORTER: PriceFileImporter = {
  id: 'hxl',
  name: 'any HXL-tagged price file (#date, #loc+market+name, #item+name, #item+unit, #value, ...)',
  source: HXL_META,
  writes: 'observations',
  parserVersion: HXL_PARSER_VERSION,
  layout:
    'a header row, then a row of HXL tags: #date, #adm1+name, #loc+market+name, #item+name, #item+unit, #item+price+type, #currency, #value (and optionally #country+code, #geo+lat, #geo+lon, #value+usd)',
  recognises: (_header, second) => isHxlRow(second),
  reader(_header, second, ctx) {
    const ix = hxlIndex(second ?? []);
    const country = hxlCountry(ix, ctx);
    let first = true;
    const memo = fileRowMemo();
    return {
      country,
      read(fields) {
        const tags = first;
        first = false;
        return tags ? { skip: 'hxl-tags' } : parseHxlFields(fields, ix, country, undefined, memo);
      },
    };
  },
};
