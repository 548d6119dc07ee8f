import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { failpoint } from './common/failpoint';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { MobileSeriesService } from './coverage/mobile-series.service';
import { TowerImportService } from './coverage/tower-import.service';
import { SYNTHETIC_TOWER_SOURCE } from './coverage/tower-coverage';
import { PrismaService } from './database/prisma.service';
import { IngestionService } from './ingestion/ingestion.service';
import { RunLedgerService, RunView } from './ingestion/run-ledger.service';
import { SourceLeaseService } from './ingestion/source-lease.service';
import { CatalogueService } from './prices/catalogue.service';
import { REFERENCE_DIR, ReferenceDataService } from './prices/reference-data.service';

export const SAMPLE_TOWERS_FILE = path.join(REFERENCE_DIR, 'towers-SYNTHETIC-sample.csv');

export type StartupStepName = 'sample-towers' | 'archive';

export interface StartupStepState {
  step: StartupStepName;
  status: 'pending' | 'ok' | 'skipped' | 'failed';
  attempts: number;
  lastError: string | null;
  nextRetryAt: string | null;
}

export interface StartupRecovery {
  leasesCleared: number;
  runsAbandoned: number;
  towerImportsAbandoned: number;
}

// What every entry point does once the schema is current: recover from a process that died
// (stale leases, runs and imports left 'running'), load the shipped reference data (idempotent
// upserts) and, for the server on an empty database, the sample towers and the shipped archive.
// Those two are optional steps: a failure is recorded (a failed run or import), reported by
// /api/health and retried with backoff, and never stops the server from serving.
@Injectable()
export class StartupService implements OnApplicationShutdown {
  private readonly logger = new Logger('Startup');
  private readonly steps = new Map<StartupStepName, StartupStepState>();
  private readonly retries = new Map<StartupStepName, NodeJS.Timeout>();
  private stopped = false;
  recovery: StartupRecovery = { leasesCleared: 0, runsAbandoned: 0, towerImportsAbandoned: 0 };

  constructor(
    private readonly reference: ReferenceDataService,
    private readonly ingestion: IngestionService,
    private readonly mobile: MobileSeriesService,
    private readonly catalogue: CatalogueService,
    private readonly towers: TowerImportService,
    private readonly prisma: PrismaService,
    private readonly leases: SourceLeaseService,
    private readonly ledger: RunLedgerService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async prepare(opts: {
    loadArchiveIfEmpty: boolean;
    loadSampleTowersIfEmpty?: boolean;
    retryInBackground?: boolean;
  }): Promise<RunView[]> {
    await this.recover();
    await this.reference.loadMarketsAndCommodities();
    await failpoint('startup:reference-loaded');
    await this.ingestion.registerSources();
    await this.mobile.load();
    const retry = opts.retryInBackground ?? false;
    if (opts.loadSampleTowersIfEmpty) await this.runStep('sample-towers', retry);
    if (!opts.loadArchiveIfEmpty) return [];
    return (await this.runStep('archive', retry)) ?? [];
  }

  // A process that died (SIGKILL, OOM, power cut) leaves its leases and its runs and imports
  // marked 'running'; none of its writes committed. Clear what no live process can hold.
  private async recover(): Promise<void> {
    const leasesCleared = await this.leases.clearStale();
    const runsAbandoned = await this.ledger.abandonOrphans();
    const towerImportsAbandoned = await this.towers.abandonOrphans();
    this.recovery = { leasesCleared, runsAbandoned, towerImportsAbandoned };
    if (leasesCleared + runsAbandoned + towerImportsAbandoned > 0)
      this.logger.warn(
        `recovered from a process that stopped: ${leasesCleared} stale lease(s) cleared, ${runsAbandoned} run(s) and ${towerImportsAbandoned} tower import(s) marked abandoned`,
      );
  }

  status(): StartupStepState[] {
    return [...this.steps.values()];
  }

  private async runStep(name: StartupStepName, retry: boolean): Promise<RunView[] | undefined> {
    const state: StartupStepState = this.steps.get(name) ?? {
      step: name,
      status: 'pending',
      attempts: 0,
      lastError: null,
      nextRetryAt: null,
    };
    this.steps.set(name, state);
    state.attempts++;
    state.nextRetryAt = null;
    try {
      await failpoint(name === 'archive' ? 'startup:archive' : 'startup:sample-towers');
      const out = name === 'archive' ? await this.loadArchive() : await this.loadSampleTowers();
      state.status = out.skipped ? 'skipped' : 'ok';
      state.lastError = null;
      return out.runs;
    } catch (err) {
      state.status = 'failed';
      state.lastError = (err as Error).message;
      const delay = Math.min(this.config.startupRetryMs * 2 ** (state.attempts - 1), 3_600_000);
      this.logger.error(
        `start-up step ${name} failed (attempt ${state.attempts}): ${state.lastError}` +
          (retry ? `; retrying in ${Math.round(delay / 1000)} s` : ''),
      );
      if (retry && !this.stopped) {
        state.nextRetryAt = new Date(Date.now() + delay).toISOString();
        const timer = setTimeout(() => void this.runStep(name, true), delay);
        timer.unref();
        this.retries.set(name, timer);
      }
      return undefined;
    }
  }

  private async loadSampleTowers(): Promise<{ skipped: boolean; runs: RunView[] }> {
    if ((await this.prisma.tower.count()) > 0) return { skipped: true, runs: [] };
    const report = await this.towers.import(
      await readFile(SAMPLE_TOWERS_FILE, 'utf8'),
      'csv',
      SYNTHETIC_TOWER_SOURCE,
      path.basename(SAMPLE_TOWERS_FILE),
    );
    if (report.status === 'failed')
      throw new Error(`sample tower import ${report.id} failed: ${report.errorMessage}`);
    this.logger.log(
      `empty tower table: loaded the SYNTHETIC sample towers (${report.inserted}; not real data, see data/README.md)`,
    );
    return { skipped: false, runs: [] };
  }

  private async loadArchive(): Promise<{ skipped: boolean; runs: RunView[] }> {
    if ((await this.catalogue.counts()).observations > 0) return { skipped: true, runs: [] };
    const runs: RunView[] = [];
    for (const id of this.ingestion.sourceIds()) {
      if (!this.ingestion.source(id).loadArchive) continue;
      const run = await this.ingestion.run(id, 'startup', 'archive');
      this.logger.log(
        `empty database: loaded the shipped ${id} archive (${run.status}, ${run.rowsInserted} rows)`,
      );
      runs.push(run);
      if (run.status === 'failed')
        throw new Error(`archive run ${run.id} of ${id} failed: ${run.errorMessage}`);
    }
    return { skipped: false, runs };
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const t of this.retries.values()) clearTimeout(t);
    this.retries.clear();
  }
}
