import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { RunTrigger } from '../generated/prisma/enums';
import { ObservationInput, ObservationWriterService } from '../prices/observation-writer.service';
import { CatalogueService } from '../prices/catalogue.service';
import { ReferenceIdsService } from '../prices/reference-ids.service';
import { ReferenceDataService } from '../prices/reference-data.service';
import { LayoutChangedError, SourceError } from '../sources/source.error';
import { FetchedDocument, PRICE_SOURCES, PriceSource } from '../sources/source.types';
import { HttpFetcher } from './http-fetcher';
import { RunLedgerService, RunView } from './run-ledger.service';
import { HttpCacheService } from './http-cache.service';
import { SnapshotStoreService } from './snapshot-store.service';
import { SourceLeaseService } from './source-lease.service';
import { PrismaService } from '../database/prisma.service';
import { failpoint } from '../common/failpoint';
import { unstorableReason } from './storable';
import {
  asDomainError,
  BadInputError,
  DomainError,
  kindOf,
  StorageFullError,
} from '../common/domain-error';

export class UnknownSourceError extends BadInputError {
  constructor(
    readonly sourceId: string,
    readonly known: string[],
  ) {
    super(`source: unknown source "${sourceId}" (known: ${known.join(', ')})`);
  }
}

export class RunInProgressError extends DomainError {
  constructor(
    readonly sourceId: string,
    where = 'in this process',
  ) {
    super('conflict', `an ingestion run of ${sourceId} is already in progress ${where}`);
  }
}

export type RunMode = 'live' | 'archive' | 'replay';

// A replay of a source with no stored snapshot: nothing to do (not found), and no run recorded.
export class NothingToReplayError extends DomainError {
  constructor(sourceId: string, since?: Date) {
    super(
      'not_found',
      `nothing to replay: no stored snapshot of ${sourceId}${since ? ` since ${since.toISOString().slice(0, 10)}` : ''} (ingest it first)`,
      { errors: [] },
    );
  }
}

// A run whose parsed rows fall below this share of the median of recent runs is flagged.
export const ROW_DROP_RATIO = 0.5;

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
    private readonly catalogue: CatalogueService,
    private readonly ids: ReferenceIdsService,
    private readonly reference: ReferenceDataService,
    private readonly leases: SourceLeaseService,
    private readonly httpCache: HttpCacheService,
    private readonly prisma: PrismaService,
  ) {}

  // The run ledger, newest first; an unknown source is refused by name (as the API's 400), not
  // answered with an empty list. One method for the API and the command line.
  async listRuns(q: { source?: string; limit: number }): Promise<RunView[]> {
    await this.ids.assertKnown('source', 'source', q.source ? [q.source] : undefined);
    return this.ledger.list(q);
  }

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

  async run(
    sourceId: string,
    trigger: RunTrigger,
    mode: RunMode = 'live',
    opts: { since?: Date } = {},
  ): Promise<RunView> {
    const source = this.source(sourceId);
    if (this.inProgress.has(sourceId)) throw new RunInProgressError(sourceId);
    if (mode === 'archive' && !source.loadArchive) {
      throw new SourceError('bad_input', `source ${sourceId} ships no archive`);
    }
    // nothing stored to replay: a no-op that says so, with no run recorded and no failure
    if (mode === 'replay' && !(await this.hasSnapshots(sourceId, opts.since)))
      throw new NothingToReplayError(sourceId, opts.since);
    const job = (async () => {
      // Replicas sharing one database never run the same source at once.
      if (!(await this.leases.acquire(sourceId))) {
        const lease = await this.leases.current(sourceId);
        throw new RunInProgressError(
          sourceId,
          `on another instance (${lease?.holder ?? 'unknown'})`,
        );
      }
      try {
        // a run of this source left 'running' by a dead holder (whose lease this one replaced)
        await this.ledger.abandonOrphans(sourceId);
        return await this.execute(source, trigger, mode, opts);
      } finally {
        await this.leases.release(sourceId);
      }
    })().finally(() => this.inProgress.delete(sourceId));
    this.inProgress.set(sourceId, job);
    return job;
  }

  private async hasSnapshots(sourceId: string, since?: Date): Promise<boolean> {
    const n = await this.prisma.runFetch.count({
      where: {
        run: { sourceId, mode: { in: ['live', 'archive'] } },
        ...(since ? { fetchedAt: { gte: since } } : {}),
      },
    });
    return n > 0;
  }

  // The latest stored snapshot of each part of a source (since a date), to re-parse with the
  // current parser.
  private async storedDocuments(sourceId: string, since?: Date): Promise<FetchedDocument[]> {
    const fetches = await this.prisma.runFetch.findMany({
      where: {
        run: { sourceId, mode: { in: ['live', 'archive'] } },
        ...(since ? { fetchedAt: { gte: since } } : {}),
      },
      orderBy: [{ fetchedAt: 'desc' }, { id: 'desc' }],
    });
    const latest = new Map<string, (typeof fetches)[number]>();
    // the label names the part of the source (a sheet tab, an article): the same part fetched from a
    // mirror or the shipped archive is the same document, so the latest of each label is replayed
    for (const f of fetches) if (!latest.has(f.label ?? f.url)) latest.set(f.label ?? f.url, f);
    const docs: FetchedDocument[] = [];
    for (const f of latest.values()) {
      const stored = await this.snapshots.read(f.snapshotSha256);
      if (stored)
        docs.push({
          url: f.url,
          label: f.label ?? '',
          body: stored.body,
          contentType: stored.contentType,
          fetchedAt: f.fetchedAt,
          httpStatus: f.httpStatus ?? undefined,
          provenance: 'replay',
        });
    }
    if (!docs.length)
      throw new SourceError(
        'bad_input',
        `no stored snapshot of ${sourceId}${since ? ` since ${since.toISOString().slice(0, 10)}` : ''} to replay`,
      );
    return docs;
  }

  private async recentParsedMedian(sourceId: string, mode: RunMode): Promise<number | null> {
    const recent = await this.prisma.ingestionRun.findMany({
      where: { sourceId, mode, status: { in: ['succeeded', 'partial'] }, rowsParsed: { gt: 0 } },
      orderBy: { id: 'desc' },
      take: 5,
      select: { rowsParsed: true },
    });
    if (recent.length < 3) return null;
    const v = recent.map((r) => r.rowsParsed).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)];
  }

  private async execute(
    source: PriceSource,
    trigger: RunTrigger,
    mode: RunMode,
    opts: { since?: Date },
  ): Promise<RunView> {
    const id = source.meta.id;
    const runId = await this.ledger.start(id, trigger, mode, this.leases.holder);
    await failpoint('ingestion:run-started');
    const counts = { inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
    try {
      const docs: FetchedDocument[] =
        mode === 'archive'
          ? await source.loadArchive!()
          : mode === 'replay'
            ? await this.storedDocuments(id, opts.since)
            : await source.fetchLive(this.http);
      for (const doc of docs) {
        const sha256 = await this.snapshots.record(runId, doc);
        if (doc.provenance === 'live' && !doc.notModified && (doc.etag || doc.lastModified)) {
          await this.httpCache.remember(doc.url, {
            etag: doc.etag,
            lastModified: doc.lastModified,
            sha256,
          });
        }
      }

      const markets = await this.catalogue.listMarkets();
      const rows: ObservationInput[] = [];
      for (const doc of docs) {
        const result = source.parse(doc, { markets });
        counts.rejected += result.rejected.length;
        for (const r of result.rejected)
          this.logger.debug(`run ${runId} rejected ${r.location} "${r.rawValue}": ${r.reason}`);
        for (const o of result.observations) {
          const reason = unstorableReason(o);
          if (reason) {
            counts.rejected++;
            this.logger.warn(`run ${runId} refused a parsed row of ${doc.label}: ${reason}`);
            continue;
          }
          rows.push({
            ...o,
            sourceUrl: o.sourceUrl ?? doc.url,
            fetchedAt: doc.fetchedAt,
            parserVersion: source.parserVersion,
          });
        }
      }
      if (rows.length === 0) {
        throw new LayoutChangedError(
          `${docs.length} document${docs.length === 1 ? '' : 's'} fetched but no observation parsed from any`,
        );
      }
      const median = await this.recentParsedMedian(id, mode);
      // the fence: the write commits only while this process still holds the source's lease
      const written = await this.writer.write(id, runId, rows, (tx) => this.leases.fence(tx, id));
      counts.inserted = written.inserted;
      counts.updated = written.updated;
      counts.unchanged = written.unchanged;
      counts.rejected += written.duplicates;
      const warning =
        median !== null && rows.length < ROW_DROP_RATIO * median
          ? `row count dropped: ${rows.length} parsed, against a median of ${median} in recent ${mode} runs`
          : undefined;
      if (warning) this.logger.warn(`run ${runId} of ${id}: ${warning}`);
      return await this.ledger.finish(
        runId,
        counts.rejected > 0 || warning ? 'partial' : 'succeeded',
        counts,
        undefined,
        { rowsParsed: rows.length, warning },
      );
    } catch (err) {
      const known = asDomainError(err);
      const kind = err instanceof SourceError ? err.sourceKind : (kindOf(known) ?? 'internal');
      const message = (known as Error).message;
      this.logger.warn(`run ${runId} of ${id} failed (${kind}): ${message}`);
      const run = await this.ledger.finish(
        runId,
        'failed',
        { inserted: 0, updated: 0, unchanged: 0, rejected: counts.rejected },
        { kind, message },
      );
      // a full disk is not the source's fault: the caller hears it as such (507, exit code 1)
      if (kind === 'storage_full')
        throw new StorageFullError(`${message} (run ${runId} is recorded as failed)`);
      return run;
    }
  }
}
