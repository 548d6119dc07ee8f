import type { PriceFileImporter } from '../shared/price-file';
import { fileRowMemo, WFP_HDX_META } from '../wfp-hdx/wfp-hdx.parser';
import {
  parseVamFields,
  VAM_COLUMNS,
  vamColumnIndex,
  WFP_VAM_PARSER_VERSION,
} from './wfp-vam.parser';

// The VAM global layout: every country in one file. Stored under the same source as WFP's HDX
// files (the same prices, published twice), so that a price imported in both layouts is one
// observation.
export const WFP_VAM_IMPORTER: PriceFileImporter = {
  id: 'wfp-vam',
  name: 'WFP food prices, VAM global layout (every country in one file)',
  source: WFP_HDX_META,
  writes: 'observations',
  parserVersion: WFP_VAM_PARSER_VERSION,
  layout:
    'adm0_id,adm0_name,adm1_id,adm1_name,mkt_id,mkt_name,cm_id,cm_name,cur_id,cur_name,pt_id,pt_name,um_id,um_name,mp_month,mp_year,mp_price,mp_commoditysource',
  recognises: (header) => VAM_COLUMNS.every((c) => header.includes(c)),
  reader(header) {
    const ix = vamColumnIndex(header);
    const memo = fileRowMemo();
    return { read: (fields) => parseVamFields(fields, ix, undefined, undefined, memo) };
  },
};
