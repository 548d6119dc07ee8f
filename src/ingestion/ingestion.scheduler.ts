import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { IngestionService } from './ingestion.service';
import { kindOf } from '../common/domain-error';

// One cron job per configured source. A job only starts a run; the run records its own outcome,
// so a failing fetch leaves one log line and a failed run, and the app keeps serving.
@Injectable()
export class IngestionScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('Scheduler');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly ingestion: IngestionService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.enableCron) {
      this.logger.log('cron disabled (ENABLE_CRON=false)');
      return;
    }
    const registered = new Set(this.ingestion.sourceIds());
    for (const [sourceId, { cron }] of Object.entries(this.config.sources)) {
      if (!registered.has(sourceId)) continue;
      const job = CronJob.from({
        cronTime: String(cron),
        onTick: () => this.tick(sourceId),
        timeZone: 'UTC',
      });
      this.registry.addCronJob(`ingest:${sourceId}`, job);
      job.start();
      this.logger.log(`${sourceId}: scheduled "${cron}" (UTC)`);
    }
  }

  private async tick(sourceId: string): Promise<void> {
    try {
      await this.ingestion.run(sourceId, 'cron');
    } catch (err) {
      if (kindOf(err) === 'conflict')
        this.logger.log(`${sourceId}: previous run still in progress, tick skipped`);
      else this.logger.error(`${sourceId}: ${(err as Error).message}`);
    }
  }
}
