// The contract between a publisher's adapter and the ingestion that runs it.

export type ObservationFlag = 'observed' | 'aggregated' | 'imputed';

// One value as a parser read it, already normalised to current won.
export interface ParsedObservation {
  marketId: string;
  commodityId: string;
  surveyDate: string; // YYYY-MM-DD; the period start where the source gives a period
  periodStart?: string;
  periodEnd?: string;
  value: number;
  unit: string; // e.g. KPW/kg, KPW/USD
  currency: string;
  rawValue: string; // the text as published
  flag: ObservationFlag;
  qualityNotes?: string;
  sourceUrl?: string; // the page it came from, when not the fetched URL itself (a post in an API listing)
}

// A value the parser refused, with the reason (kept in the run's count, never stored as a price).
export interface RejectedValue {
  location: string;
  rawValue: string;
  reason: string;
}

export interface ParseResult {
  observations: ParsedObservation[];
  rejected: RejectedValue[];
  // Cells that the publisher left empty or zero: "not observed", neither a price nor an error.
  missing: number;
}

// One fetched body and where it came from.
export interface FetchedDocument {
  url: string;
  label: string; // which part of the source: the sheet tab, the article slug, ...
  body: Buffer;
  fetchedAt: Date;
  httpStatus?: number;
  contentType?: string;
  provenance: 'live' | 'archive' | 'replay';
  etag?: string;
  lastModified?: string;
  notModified?: boolean; // answered 304: the body is the stored snapshot of the last fetch
}

export interface SourceMeta {
  id: string;
  name: string;
  homeUrl: string;
  credit: string;
}

export interface MarketRef {
  id: string;
  nameKo?: string | null;
  name: string;
  aliases?: string[]; // other spellings seen in reports (gazetteer)
}

export interface ParseContext {
  markets: MarketRef[];
}

export interface HttpGetter {
  get(url: string, label: string): Promise<FetchedDocument>;
}

export interface PriceSource {
  readonly meta: SourceMeta;
  readonly parserVersion: string;
  fetchLive(http: HttpGetter): Promise<FetchedDocument[]>;
  // The snapshot shipped with the project, if the source has one.
  loadArchive?(): Promise<FetchedDocument[]>;
  parse(doc: FetchedDocument, ctx: ParseContext): ParseResult;
}

export const PRICE_SOURCES = Symbol('PRICE_SOURCES');
