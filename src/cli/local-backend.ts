import { createReadStream } from 'node:fs';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AlertsRequest, AlertsService } from '../analysis/alerts/alerts.service';
import { ConvergenceReportService } from '../analysis/convergence-report.service';
import {
  CrossCountryRequest,
  CrossCountryService,
} from '../analysis/cross-country/cross-country.service';
import { PanelService } from '../analysis/panel.service';
import { logLevels } from '../app.factory';
import { AppModule } from '../app.module';
import { applyHeapGrowth } from '../common/heap-growth';
import { AppConfig } from '../config/app-config';
import { PrismaService } from '../database/prisma.service';
import { IngestionService, RunMode } from '../ingestion/ingestion.service';
import { kindOf } from '../common/domain-error';
import { ImportRunner } from '../ingestion/import-runner.service';
import { PendingStatistics } from '../prices/observation-writer.service';
import { parseColumnMap } from '../sources/shared/column-map';
import { StartupService } from '../startup.service';
import { TowerFileFormat } from '../coverage/tower-file.parser';
import { Backend, counted, PriceImportRequest, ReportRequest } from './backend';

// The application in this process: the schema migrated and the reference data loaded first, as
// every entry point does; no HTTP server, no cron.
export class LocalBackend implements Backend {
  // what this command's price imports inserted, for one statistics refresh after the last file
  private pendingStatistics = new PendingStatistics();

  private constructor(
    private readonly app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {}

  static async open(config: AppConfig): Promise<LocalBackend> {
    applyHeapGrowth(config.heapGrowthPercent);
    const app = await NestFactory.createApplicationContext(
      AppModule.forRoot({ ...config, enableCron: false }, { withApi: false, holder: 'cli' }),
      {
        logger: logLevels(config.logLevel === 'log' ? 'warn' : config.logLevel),
        abortOnError: false,
      },
    );
    try {
      await app.get(PrismaService).open();
      await app.get(StartupService).prepare({ loadArchiveIfEmpty: false });
    } catch (err) {
      await app.close();
      throw err;
    }
    return new LocalBackend(app, config);
  }

  migrate() {
    return Promise.resolve('database schema is current');
  }

  async runSource(source: string, mode: RunMode, since?: string) {
    try {
      return await this.app.get(IngestionService).run(source, 'cli', mode, {
        since: since ? new Date(`${since}T00:00:00Z`) : undefined,
      });
    } catch (err) {
      if (kindOf(err) === 'conflict') return { skipped: (err as Error).message };
      if (mode === 'replay' && kindOf(err) === 'not_found')
        return { skipped: (err as Error).message, noop: true };
      throw err;
    }
  }

  listRuns(q: { source?: string; limit: number }) {
    return this.app.get(IngestionService).listRuns(q);
  }

  importPrices(file: string, opts: PriceImportRequest) {
    return this.app.get(ImportRunner).importPrices(counted(file, opts.onBytes), {
      importer: opts.importer,
      fileName: opts.fileName,
      country: opts.country,
      map: opts.map === undefined ? undefined : parseColumnMap(opts.map),
      trigger: 'cli',
      statistics: this.pendingStatistics,
    });
  }

  async finishImports() {
    const pending = this.pendingStatistics;
    this.pendingStatistics = new PendingStatistics();
    await this.app.get(ImportRunner).settleStatistics(pending);
  }

  importSubscriptions(body: string, fileName: string) {
    return this.app.get(ImportRunner).importSubscriptions(body, { fileName, trigger: 'cli' });
  }

  importTowers(
    file: string,
    opts: { format: TowerFileFormat; source: string; fileName: string; country?: string },
  ) {
    return this.app
      .get(ImportRunner)
      .importTowers(createReadStream(file), { ...opts, trigger: 'cli' });
  }

  async convergenceReport(q: ReportRequest) {
    // the same checks and series choice as GET /api/analysis/convergence
    const panel = await this.app.get(PanelService).forRequest(q, this.config.analysisMaxPairs);
    return this.app.get(ConvergenceReportService).report(panel, { bootstrap: q.bootstrap });
  }

  crossCountry(q: CrossCountryRequest) {
    return this.app.get(CrossCountryService).analyse(q);
  }

  alerts(q: AlertsRequest) {
    return this.app.get(AlertsService).alerts(q);
  }

  alertsSummary(country?: string) {
    return this.app.get(AlertsService).summary(country);
  }

  close() {
    return this.app.close();
  }
}
