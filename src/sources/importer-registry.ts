import { HXL_IMPORTER } from './hxl/hxl.importer';
import { PRICE_TABLE_IMPORTER } from './price-table/price-table.importer';
import type { PriceFileImporter } from './shared/price-file';
import { WFP_HDX_IMPORTER } from './wfp-hdx/wfp-hdx.importer';
import { WFP_VAM_IMPORTER } from './wfp-vam/wfp-vam.importer';

// Every price-file format, in the order a header is tried against them (the most specific
// first: an HDX file with its HXL row is an HDX file). Adding a format: its folder and a line here.
export const PRICE_FILE_IMPORTERS: readonly PriceFileImporter[] = [
  WFP_HDX_IMPORTER,
  WFP_VAM_IMPORTER,
  HXL_IMPORTER,
  PRICE_TABLE_IMPORTER,
];

// `wfp`: the name the first importer had (import wfp, POST /api/imports/wfp): any WFP layout
export const IMPORTER_ALIASES: Readonly<Record<string, string | undefined>> = { wfp: undefined };
