import { Injectable, Logger } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MobileSeriesService } from './coverage/mobile-series.service';
import { TowerImportService } from './coverage/tower-import.service';
import { PrismaService } from './database/prisma.service';
import { IngestionService } from './ingestion/ingestion.service';
import { RunView } from './ingestion/run-ledger.service';
import { PricesService } from './prices/prices.service';
import { REFERENCE_DIR, ReferenceDataService } from './prices/reference-data.service';

export const SAMPLE_TOWERS_FILE = path.join(REFERENCE_DIR, 'towers-SYNTHETIC-sample.csv');
export const SAMPLE_TOWERS_SOURCE = 'synthetic-sample';

// What every entry point does once the schema is current: load the shipped reference data
// (idempotent upserts) and, for the server's first start on an empty database, the shipped archive.
@Injectable()
export class StartupService {
  private readonly logger = new Logger('Startup');

  constructor(
    private readonly reference: ReferenceDataService,
    private readonly ingestion: IngestionService,
    private readonly mobile: MobileSeriesService,
    private readonly prices: PricesService,
    private readonly towers: TowerImportService,
    private readonly prisma: PrismaService,
  ) {}

  async prepare(opts: {
    loadArchiveIfEmpty: boolean;
    loadSampleTowersIfEmpty?: boolean;
  }): Promise<RunView[]> {
    await this.reference.loadMarketsAndCommodities();
    await this.ingestion.registerSources();
    await this.mobile.load();
    if (opts.loadSampleTowersIfEmpty && (await this.prisma.tower.count()) === 0) {
      const report = await this.towers.import(
        await readFile(SAMPLE_TOWERS_FILE, 'utf8'),
        'csv',
        SAMPLE_TOWERS_SOURCE,
        path.basename(SAMPLE_TOWERS_FILE),
      );
      this.logger.log(
        `empty tower table: loaded the SYNTHETIC sample towers (${report.inserted}; not real data, see data/README.md)`,
      );
    }
    if (!opts.loadArchiveIfEmpty || (await this.prices.counts()).observations > 0) return [];
    const runs: RunView[] = [];
    for (const id of this.ingestion.sourceIds()) {
      if (!this.ingestion.source(id).loadArchive) continue;
      const run = await this.ingestion.run(id, 'startup', 'archive');
      this.logger.log(
        `empty database: loaded the shipped ${id} archive (${run.status}, ${run.rowsInserted} rows)`,
      );
      runs.push(run);
    }
    return runs;
  }
}
