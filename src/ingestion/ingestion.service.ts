import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { RunTrigger } from '../generated/prisma/enums';
import { ObservationInput, ObservationWriterService } from '../prices/observation-writer.service';
import { PricesService } from '../prices/prices.service';
import { ReferenceDataService } from '../prices/reference-data.service';
import { SourceError } from '../sources/source.error';
import { FetchedDocument, PRICE_SOURCES, PriceSource } from '../sources/source.types';
import { HttpFetcher } from './http-fetcher';
import { RunLedgerService, RunView } from './run-ledger.service';
import { SnapshotStoreService } from './snapshot-store.service';

export type RunMode = 'live' | 'archive';

export class UnknownSourceError extends Error {
  constructor(
    readonly sourceId: string,
    readonly known: string[],
  ) {
    super(`unknown source "${sourceId}" (known: ${known.join(', ')})`);
  }
}

export class RunInProgressError extends Error {
  constructor(readonly sourceId: string) {
    super(`an ingestion run of ${sourceId} is already in progress in this process`);
  }
}

// Runs one source: fetch (or load the shipped archive), archive every body, parse all of it, and
// only then write, in one transaction. A layout change or fetch failure fails the run and writes
// no observation; the run ledger records what happened either way.
@Injectable()
export class IngestionService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Ingestion');
  private readonly inProgress = new Map<string, Promise<RunView>>();

  constructor(
    @Inject(PRICE_SOURCES) private readonly sources: PriceSource[],
    private readonly http: HttpFetcher,
    private readonly ledger: RunLedgerService,
    private readonly snapshots: SnapshotStoreService,
    private readonly writer: ObservationWriterService,
    private readonly prices: PricesService,
    private readonly reference: ReferenceDataService,
  ) {}

  sourceIds(): string[] {
    return this.sources.map((s) => s.meta.id);
  }

  source(id: string): PriceSource {
    const s = this.sources.find((x) => x.meta.id === id);
    if (!s) throw new UnknownSourceError(id, this.sourceIds());
    return s;
  }

  async registerSources(): Promise<void> {
    await this.reference.registerSources(this.sources.map((s) => s.meta));
  }

  // Graceful shutdown lets a running ingest finish (its write is one transaction either way).
  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.inProgress.values()]);
  }

  async run(sourceId: string, trigger: RunTrigger, mode: RunMode = 'live'): Promise<RunView> {
    const source = this.source(sourceId);
    if (this.inProgress.has(sourceId)) throw new RunInProgressError(sourceId);
    if (mode === 'archive' && !source.loadArchive) {
      throw new SourceError('bad_input', `source ${sourceId} ships no archive`);
    }
    const job = this.execute(source, trigger, mode).finally(() => this.inProgress.delete(sourceId));
    this.inProgress.set(sourceId, job);
    return job;
  }

  private async execute(source: PriceSource, trigger: RunTrigger, mode: RunMode): Promise<RunView> {
    const id = source.meta.id;
    const runId = await this.ledger.start(id, trigger, mode);
    const counts = { inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
    try {
      const docs: FetchedDocument[] =
        mode === 'archive' ? await source.loadArchive!() : await source.fetchLive(this.http);
      for (const doc of docs) await this.snapshots.record(runId, doc);

      const markets = await this.prices.listMarkets();
      const rows: ObservationInput[] = [];
      for (const doc of docs) {
        const result = source.parse(doc, { markets });
        counts.rejected += result.rejected.length;
        for (const r of result.rejected)
          this.logger.debug(`run ${runId} rejected ${r.location} "${r.rawValue}": ${r.reason}`);
        for (const o of result.observations) {
          rows.push({
            ...o,
            sourceUrl: doc.url,
            fetchedAt: doc.fetchedAt,
            parserVersion: source.parserVersion,
          });
        }
      }
      const written = await this.writer.write(id, runId, rows);
      counts.inserted = written.inserted;
      counts.updated = written.updated;
      counts.unchanged = written.unchanged;
      counts.rejected += written.duplicates;
      return await this.ledger.finish(runId, counts.rejected > 0 ? 'partial' : 'succeeded', counts);
    } catch (err) {
      const kind = err instanceof SourceError ? err.kind : 'internal';
      const message = (err as Error).message;
      this.logger.warn(`run ${runId} of ${id} failed (${kind}): ${message}`);
      return this.ledger.finish(
        runId,
        'failed',
        { inserted: 0, updated: 0, unchanged: 0, rejected: counts.rejected },
        { kind, message },
      );
    }
  }
}
