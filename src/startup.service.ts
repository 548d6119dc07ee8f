import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { failpoint } from './common/failpoint';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { MobileSeriesService } from './coverage/mobile-series.service';
import { TowerImportService } from './coverage/tower-import.service';
import { SYNTHETIC_TOWER_SOURCE } from './coverage/tower-coverage';
import { PrismaService } from './database/prisma.service';
import { ImportRunner } from './ingestion/import-runner.service';
import { IngestionService } from './ingestion/ingestion.service';
import { RunLedgerService, RunView } from './ingestion/run-ledger.service';
import { SourceLeaseService } from './ingestion/source-lease.service';
import { REFERENCE_DIR, ReferenceDataService } from './prices/reference-data.service';

export const SAMPLE_TOWERS_FILE = path.join(REFERENCE_DIR, 'towers-SYNTHETIC-sample.csv');

export type StartupStepName = 'sample-towers' | 'archive' | 'shipped-wfp' | 'shipped-wdi';

// The real second country that ships with the project (provenance in data/README.md).
const DATA_DIR_SHIPPED = path.resolve(REFERENCE_DIR, '..');
export const SHIPPED_WFP_FILE = path.join(DATA_DIR_SHIPPED, 'wfp', 'wfp_food_prices_bgd.csv');
export const SHIPPED_WDI_FILE = path.join(
  DATA_DIR_SHIPPED,
  'wdi',
  'API_IT.CEL.SETS.P2_DS2_en_csv_v2_4903391.csv',
);

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
// upserts) and, for the server, the sample towers (on an empty tower table), the shipped archive
// (until each source's own archive run has succeeded once, whatever else the database holds: a
// user whose first command was an import still gets North Korea) and then, in the background,
// the shipped second country (Bangladesh's WFP file, the WDI subscriptions). These are optional
// steps: a failure is recorded, reported by /api/health and retried with backoff, and never
// stops the server from serving.
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
    private readonly towers: TowerImportService,
    private readonly prisma: PrismaService,
    private readonly leases: SourceLeaseService,
    private readonly ledger: RunLedgerService,
    private readonly imports: ImportRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async prepare(opts: {
    loadArchiveIfEmpty: boolean;
    loadSampleTowersIfEmpty?: boolean;
    loadShippedCountries?: boolean;
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
    const runs = (await this.runStep('archive', retry)) ?? [];
    // North Korea first; the second country once the server answers (startBackground)
    if (opts.loadShippedCountries) {
      this.pending('shipped-wfp');
      this.pending('shipped-wdi');
      this.deferred = async () => {
        await this.runStep('shipped-wfp', retry);
        await this.runStep('shipped-wdi', retry);
      };
    }
    return runs;
  }

  private deferred?: () => Promise<void>;
  private started?: Promise<void>;

  // Starts the background steps `afterMs` after the server listens: on the embedded database
  // (one connection) an import holds it for its transaction, and the first health checks and
  // pages of a fresh start should not wait behind a second country's file.
  startBackground(afterMs: number): void {
    const work = this.deferred;
    if (!work || this.started) return;
    this.started = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        if (this.stopped) return resolve();
        void work().finally(resolve);
      }, afterMs);
      timer.unref();
      this.retries.set('shipped-wfp', timer);
    });
  }

  // The background steps, for a caller (a test) that waits for them.
  get background(): Promise<void> {
    return this.started ?? Promise.resolve();
  }

  private pending(name: StartupStepName): void {
    if (!this.steps.has(name))
      this.steps.set(name, {
        step: name,
        status: 'pending',
        attempts: 0,
        lastError: null,
        nextRetryAt: null,
      });
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
      await failpoint(`startup:${name}`);
      const out = await this.step(name);
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

  private step(name: StartupStepName): Promise<{ skipped: boolean; runs: RunView[] }> {
    switch (name) {
      case 'archive':
        return this.loadArchive();
      case 'sample-towers':
        return this.loadSampleTowers();
      case 'shipped-wfp':
        return this.loadShippedWfp();
      case 'shipped-wdi':
        return this.loadShippedWdi();
    }
  }

  // Whether a source has a run of this mode (and, for a file, of this file) that stored its rows.
  private async succeededOnce(source: string, mode: string, sourceUrl?: string): Promise<boolean> {
    const run = await this.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ingestion_run r
       WHERE r.source_id = $1 AND r.mode = $2 AND r.status IN ('succeeded', 'partial')
         AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM observation o
               WHERE o.run_id = r.id AND o.source_url = $3 LIMIT 1))`,
      source,
      mode,
      sourceUrl ?? null,
    );
    return run[0].n > 0;
  }

  private async loadShippedWfp(): Promise<{ skipped: boolean; runs: RunView[] }> {
    const url = `file:${path.basename(SHIPPED_WFP_FILE)}`;
    if (await this.succeededOnce('wfp-hdx', 'import', url)) return { skipped: true, runs: [] };
    const report = await this.imports.importPrices(createReadStream(SHIPPED_WFP_FILE), {
      importer: 'wfp-hdx',
      fileName: path.basename(SHIPPED_WFP_FILE),
      trigger: 'startup',
      sourceUrl: url,
    });
    if (report.run.status === 'failed')
      throw new Error(`import run ${report.run.id} failed: ${report.run.errorMessage}`);
    this.logger.log(
      `loaded the shipped WFP file for Bangladesh (${report.run.rowsInserted} rows; LOAD_SHIPPED_COUNTRIES=false skips it)`,
    );
    return { skipped: false, runs: [report.run] };
  }

  private async loadShippedWdi(): Promise<{ skipped: boolean; runs: RunView[] }> {
    const name = path.basename(SHIPPED_WDI_FILE);
    const done = await this.prisma.mobileSeriesPoint.count({
      where: { provenance: { endsWith: `imported from ${name}` } },
    });
    if (done > 0) return { skipped: true, runs: [] };
    const report = await this.imports.importSubscriptions(
      await readFile(SHIPPED_WDI_FILE, 'utf8'),
      {
        fileName: name,
        trigger: 'startup',
      },
    );
    this.logger.log(
      `loaded the shipped WDI subscriptions (${report.points} values for ${report.countries} countries)`,
    );
    return { skipped: false, runs: [report.run] };
  }

  private async loadSampleTowers(): Promise<{ skipped: boolean; runs: RunView[] }> {
    if ((await this.prisma.tower.count()) > 0) return { skipped: true, runs: [] };
    const report = await this.imports.importTowers(await readFile(SAMPLE_TOWERS_FILE, 'utf8'), {
      format: 'csv',
      source: SYNTHETIC_TOWER_SOURCE,
      fileName: path.basename(SAMPLE_TOWERS_FILE),
      trigger: 'startup',
    });
    if (report.status === 'failed')
      throw new Error(`sample tower import ${report.id} failed: ${report.errorMessage}`);
    this.logger.log(
      `empty tower table: loaded the SYNTHETIC sample towers (${report.inserted}; not real data, see data/README.md)`,
    );
    return { skipped: false, runs: [report.run] };
  }

  private async loadArchive(): Promise<{ skipped: boolean; runs: RunView[] }> {
    const runs: RunView[] = [];
    let skipped = true;
    for (const id of this.ingestion.sourceIds()) {
      if (!this.ingestion.source(id).loadArchive) continue;
      // its own archive run, not an empty database: a first import of another country's file
      // must not keep North Korea's archive out
      if (await this.succeededOnce(id, 'archive')) continue;
      skipped = false;
      const run = await this.ingestion.run(id, 'startup', 'archive');
      this.logger.log(`loaded the shipped ${id} archive (${run.status}, ${run.rowsInserted} rows)`);
      runs.push(run);
      if (run.status === 'failed')
        throw new Error(`archive run ${run.id} of ${id} failed: ${run.errorMessage}`);
    }
    return { skipped, runs };
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const t of this.retries.values()) clearTimeout(t);
    this.retries.clear();
  }
}
