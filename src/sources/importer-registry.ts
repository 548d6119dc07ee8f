import { HXL_IMPORTER } from './hxl/hxl.importer';
import { PRICE_TABLE_IMPORTER } from './price-table/price-table.importer';
import type {
  FileHead,
  FileImporter,
  SubscriptionFileImporter,
  TowerFileImporter,
} from './shared/file-importer';
import type { PriceFileImporter } from './shared/price-file';
import { SUBSCRIPTIONS_IMPORTER } from './subscriptions/subscriptions.importer';
import { TOWERS_IMPORTER } from './towers/towers.importer';
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

export const TOWER_FILE_IMPORTER: TowerFileImporter = TOWERS_IMPORTER;
export const SUBSCRIPTION_FILE_IMPORTER: SubscriptionFileImporter = SUBSCRIPTIONS_IMPORTER;

// Every file format: the price files, then the files read whole (tower registries, subscriptions).
export const FILE_IMPORTERS: readonly FileImporter[] = [
  ...PRICE_FILE_IMPORTERS,
  TOWER_FILE_IMPORTER,
  SUBSCRIPTION_FILE_IMPORTER,
];

// `wfp`: the name the first importer had (import wfp, POST /api/imports/wfp): any WFP layout
export const IMPORTER_ALIASES: Readonly<Record<string, string | undefined>> = { wfp: undefined };

// The importer a file's first lines say it is for, or undefined: the price formats first, in
// their order, then the files read whole.
export function recogniseFile(head: FileHead): FileImporter | undefined {
  return (
    PRICE_FILE_IMPORTERS.find((i) => i.recognises(head.header, head.second)) ??
    [TOWER_FILE_IMPORTER, SUBSCRIPTION_FILE_IMPORTER].find((i) => i.recognises(head))
  );
}

// Every importer with its layout, for the refusal of a file no importer recognises.
export const IMPORTER_LIST = FILE_IMPORTERS.map((i) => `${i.id} (${i.layout})`).join('; ');
