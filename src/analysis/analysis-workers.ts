import { existsSync } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Piscina } from 'piscina';
import { BusyError } from '../common/busy.error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AnalysisTask, AnalysisTaskName, AnalysisTasks, runAnalysisTask } from './analysis-tasks';

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
export class AnalysisWorkers implements OnModuleDestroy {
  private pool?: Piscina<AnalysisTask, unknown>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get threads(): number {
    return this.config.analysisThreads;
  }

  async run<K extends AnalysisTaskName>(
    name: K,
    ...args: Parameters<AnalysisTasks[K]>
  ): Promise<ReturnType<AnalysisTasks[K]>> {
    const task = { name, args } as AnalysisTask<K>;
    if (this.config.analysisThreads === 0) return runAnalysisTask(task);
    this.pool ??= new Piscina<AnalysisTask, unknown>({
      filename: workerFile(),
      minThreads: 0,
      maxThreads: this.config.analysisThreads,
      maxQueue: this.config.analysisQueue,
      idleTimeout: 30_000,
    });
    if (this.pool.queueSize >= this.config.analysisQueue)
      throw new AnalysisBusyError(this.pool.queueSize);
    try {
      return (await this.pool.run(task)) as ReturnType<AnalysisTasks[K]>;
    } catch (err) {
      if (err instanceof Error && /queue is at limit/i.test(err.message))
        throw new AnalysisBusyError(this.pool.queueSize);
      throw err;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.destroy();
  }
}
