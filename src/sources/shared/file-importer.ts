import { parse } from 'csv-parse/sync';
import type { SourceMeta } from '../source.types';
import type { PriceFileImporter } from './price-file';

// Every file format a user brings is declared the same way (sources/importer-registry.ts): an id,
// a name, what its runs write, the layout it expects and the rule that recognises it from the
// file's first lines. Price files are read as a stream of records (PriceFileImporter); tower
// registries and subscription tables are read whole, because a tower is merged with every other
// within the dedup distance and a WDI table's header is four lines down.

// A file's first lines, for recognising its format: its first two CSV records (lower-cased and
// trimmed) and the text they came from (the file's first 64 KiB at most).
export interface FileHead {
  header: string[];
  second?: string[];
  text: string;
}

export const FILE_HEAD_BYTES = 65_536;

export type TowerFileFormat = 'opencellid' | 'csv' | 'geojson';

interface WholeFileImporterBase {
  readonly id: string;
  readonly name: string;
  readonly layout: string; // what it expects, for the refusal that lists the importers
  recognises(head: FileHead): boolean;
}

// Tower registries: each registry is a source of its own (towers:<registry>).
export interface TowerFileImporter extends WholeFileImporterBase {
  readonly writes: 'towers';
  readonly formats: readonly TowerFileFormat[];
  formatOf(head: FileHead): TowerFileFormat | undefined;
  source(registry: string, format: TowerFileFormat): SourceMeta;
}

// Mobile subscriptions per 100 people, under one source.
export interface SubscriptionFileImporter extends WholeFileImporterBase {
  readonly writes: 'subscriptions';
  readonly source: SourceMeta;
}

export type FileImporter = PriceFileImporter | TowerFileImporter | SubscriptionFileImporter;

// The head of a file from its first bytes: the first two records as the CSV reader sees them (a
// head that is not CSV, a GeoJSON document, has no records; its text still says what it is).
export function fileHead(text: string): FileHead {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const records: string[][] = [];
  for (const line of lines) {
    if (records.length === 2) break;
    if (!line.trim()) continue;
    try {
      const rows: string[][] = parse(line, { relax_column_count: true, relax_quotes: true });
      const fields = rows[0];
      if (fields) records.push(fields.map((f) => f.trim().toLowerCase()));
    } catch {
      records.push([]);
    }
  }
  return { header: records[0] ?? [], second: records[1], text };
}
