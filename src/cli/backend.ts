import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { AlertsRequest, AlertsService, SeriesAlerts } from '../analysis/alerts/alerts.service';
import type { ConvergenceReport } from '../analysis/convergence-report.service';
import type {
  CrossCountryAnswer,
  CrossCountryRequest,
} from '../analysis/cross-country/cross-country.service';
import type { SubscriptionImportReport } from '../coverage/subscription-import.service';
import type { TowerFileFormat } from '../coverage/tower-file.parser';
import type { TowerImportReport } from '../coverage/tower-import.service';
import type { RunMode } from '../ingestion/ingestion.service';
import type { RunView } from '../ingestion/run-ledger.service';
import type { FileImportReport } from '../ingestion/import-runner.service';

// What the commands need from the application. Two implementations: the application itself, in
// this process (local-backend.ts), and a running server that owns the embedded database, over its
// HTTP API (http-backend.ts). A command is written once against this interface, so it cannot
// behave differently on the two paths.

export interface ReportRequest {
  commodity: string;
  bootstrap: number;
  country?: string;
  unit?: string;
  priceType?: string;
}

// A run that did not happen because another process runs that source right now.
export interface SkippedRun {
  skipped: string;
  noop?: boolean; // nothing to do (a replay without snapshots): not a failure
}

export interface Backend {
  // where the work is done, for the line that says so
  readonly description?: string;
  migrate(): Promise<string>;
  runSource(source: string, mode: RunMode, since?: string): Promise<RunView | SkippedRun>;
  listRuns(q: { source?: string; limit: number }): Promise<RunView[]>;
  // a price file through its importer (id, or the alias wfp / none: recognised from the header)
  importPrices(file: string, opts: PriceImportRequest): Promise<FileImportReport>;
  // after the last file of one command: what the imports left to do once (here: the planner's
  // statistics, refreshed once for every file rather than after each)
  finishImports?(): Promise<void>;
  // towers and subscriptions are runs too (their run in the ledger comes with the report)
  importSubscriptions(
    body: string,
    fileName: string,
  ): Promise<SubscriptionImportReport & { run: RunView }>;
  importTowers(
    file: string,
    opts: { format: TowerFileFormat; source: string; fileName: string; country?: string },
  ): Promise<TowerImportReport & { run: RunView }>;
  convergenceReport(q: ReportRequest): Promise<ConvergenceReport>;
  crossCountry(q: CrossCountryRequest): Promise<CrossCountryAnswer>;
  alerts(q: AlertsRequest): Promise<SeriesAlerts>;
  alertsSummary(country?: string): ReturnType<AlertsService['summary']>;
  close(): Promise<void>;
}

export interface PriceImportRequest {
  importer?: string;
  fileName: string;
  country?: string;
  map?: string; // field=Column,... for the price-table importer
  onBytes?: (read: number) => void; // bytes of the file read so far (a progress line)
}

export const isSkipped = (r: RunView | SkippedRun): r is SkippedRun => 'skipped' in r;

// A file's read stream that reports the bytes read so far (the import's progress line).
export function counted(file: string, onBytes?: (read: number) => void): Readable {
  const stream = createReadStream(file);
  if (onBytes) {
    let read = 0;
    stream.on('data', (chunk: Buffer | string) => onBytes((read += chunk.length)));
  }
  return stream;
}
