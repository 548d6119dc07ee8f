import { existsSync } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Piscina } from 'piscina';
import { BusyError } from '../common/busy.error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DATABASE_HOLDER, DatabaseHolder } from '../database/prisma.service';
import { AnalysisTask, AnalysisTaskName, AnalysisTasks, runAnalysisTask } from './analysis-tasks';
import type { PairRegressionSpec } from './pair-regression';

// The compiled worker beside this file; under ts-jest (src/*.ts) the build's copy in dist/.
function workerFile(): string {
  const here = path.join(__dirname, 'analysis.worker.js');
  return existsSync(here)
    ? here
    : path.resolve(__dirname, '..', '..', 'dist', 'analysis', 'analysis.worker.js');
}

export class AnalysisBusyError extends BusyError {
  constructor(queue: number) {
    super(
      5,
      `analysis: the estimators are busy with other requests (${queue} tasks waiting, ANALYSIS_QUEUE); try again in 5 s`,
    );
    this.name = 'AnalysisBusyError';
  }
}

// Where the estimators compute: a pool of ANALYSIS_THREADS worker threads (piscina), so that a
// client asking for bootstrap after bootstrap delays only its own answers, not /api/health or a page
// of observations for someone else. The database reads, caching and sentences stay on the event
// loop; only the number crunching (analysis-tasks.ts) moves. ANALYSIS_THREADS=0 computes inline.
@Injectable()
export class AnalysisWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private pool?: Piscina<AnalysisTask, unknown>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_HOLDER) private readonly holder: DatabaseHolder,
  ) {}

  get threads(): number {
    return this.config.analysisThreads;
  }

  // The threads are started with the server and kept (minThreads), and warmed in the background
  // with two small made-up tasks (a trend and a bootstrapped pair regression), so that the first
  // real request does not pay for loading the distributions and compiling the estimators (about
  // 150 ms per estimator here). A failure there is only logged: requests start threads as usual.
  // Only in the server: a command-line run (an import, an ingest) mostly never analyses, and
  // the threads cost it about 25 MiB of resident memory; `report` starts them on its first task.
  onApplicationBootstrap(): void {
    if (this.config.analysisThreads === 0 || this.holder !== 'server') return;
    const pool = this.poolOf();
    const dates = Array.from(
      { length: 30 },
      (_, i) =>
        `2000-${String((i % 12) + 1).padStart(2, '0')}-${String(1 + Math.floor(i / 12)).padStart(2, '0')}`,
    ).sort();
    const y = dates.map((_, i) => 1 + Math.sin(i));
    const rows = dates.flatMap((date, i) =>
      ['a-b', 'a-c', 'b-c'].map((pair, j) => ({
        pair,
        date,
        gap: 0.1 + 0.01 * Math.cos(i + j),
        coverage: i,
        distanceKm: 100 * (j + 1),
      })),
    );
    const spec: PairRegressionSpec = {
      coverage: 'national',
      controls: [],
      fe: ['pair'],
      se: 'cluster',
      bootstrap: 99,
      seed: 1,
      borderWindow: { from: '1999-01-01', to: '1999-01-02' },
    };
    // as many of each as threads, at once: piscina hands them to different threads
    const n = this.config.analysisThreads;
    void Promise.all(
      Array.from({ length: n }, () => [
        pool.run({ name: 'sigmaTrend', args: [dates, y, [dates[15]]] }),
        pool.run({ name: 'pairRegression', args: [rows, spec] }),
      ]).flat(),
    ).catch(() => undefined);
  }

  private poolOf(): Piscina<AnalysisTask, unknown> {
    this.pool ??= new Piscina<AnalysisTask, unknown>({
      filename: workerFile(),
      minThreads: this.config.analysisThreads,
      maxThreads: this.config.analysisThreads,
      maxQueue: this.config.analysisQueue,
      idleTimeout: 30_000,
    });
    return this.pool;
  }

  async run<K extends AnalysisTaskName>(
    name: K,
    ...args: Parameters<AnalysisTasks[K]>
  ): Promise<ReturnType<AnalysisTasks[K]>> {
    const task = { name, args } as AnalysisTask<K>;
    if (this.config.analysisThreads === 0) return runAnalysisTask(task);
    const pool = this.poolOf();
    if (pool.queueSize >= this.config.analysisQueue) throw new AnalysisBusyError(pool.queueSize);
    try {
      return (await pool.run(task)) as ReturnType<AnalysisTasks[K]>;
    } catch (err) {
      if (err instanceof Error && /queue is at limit/i.test(err.message))
        throw new AnalysisBusyError(pool.queueSize);
      throw err;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.destroy();
  }
}
