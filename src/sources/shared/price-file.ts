import type { ObservationFlag, SourceMeta } from '../source.types';

// The contract of a price-file format (the way sources declare themselves): each format is a
// folder under sources/ with a parser and a declaration; ingestion's ImportRunner owns the lease,
// the run ledger, batching, refusals, reference rows and the one transaction. Adding a format is
// its folder and a line in importer-registry.ts.

// One row to store, with the market, commodity and country it needs.
export interface PriceFileRow {
  country: string; // ISO 3166-1 alpha-3
  marketId: string;
  market: {
    name: string;
    admin1: string | null;
    admin2: string | null;
    latitude: number | null;
    longitude: number | null;
  };
  // an average of other markets ("National Average", "Dhaka Division"): stored as a region, so
  // that market statistics leave it out unless a request names it
  marketIsAverage: boolean;
  // the publisher's own codes (WFP: market_id / mkt_id, commodity_id / cm_id): where a file has
  // them they key markets and commodities, so two layouts of the same data agree
  marketCode?: string;
  commodityCode?: string;
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

// What a record is: a row, a refusal with its reason, or a record that is not an observation by
// the format's own rules (the HXL tag row, a forecast), counted by kind.
export type RecordVerdict = { row: PriceFileRow } | { reason: string } | { skip: string };

export interface PriceFileReader {
  // the file's one country when the format has one per file (the writer's fast first import)
  readonly country?: string;
  read(fields: string[]): RecordVerdict;
}

export interface ImportContext {
  fileName?: string;
  country?: string; // --country / ?country=
  map?: Record<string, string>; // a column map (the long-CSV importer)
}

export interface PriceFileImporter {
  readonly id: string;
  readonly name: string;
  // the source observations are stored under (its credit line goes with every number)
  readonly source: SourceMeta;
  readonly writes: 'observations';
  readonly parserVersion: string; // stored with every observation it writes
  // the header it expects, for the refusal that lists the importers
  readonly layout: string;
  // whether a header (lower-cased, trimmed) and the second record (an HXL tag row, if any) are
  // this format's; named importers are not asked
  recognises(header: string[], second: string[] | undefined): boolean;
  // a reader for the records after the header (the second record, an HXL tag row if any, is
  // given too, and read again as the first record); throws BadInputError when the header or the
  // context cannot be read (a missing column, no country)
  reader(header: string[], second: string[] | undefined, ctx: ImportContext): PriceFileReader;
}
