import { Injectable, Logger } from '@nestjs/common';
import { MobileSeriesService } from './coverage/mobile-series.service';
import { IngestionService } from './ingestion/ingestion.service';
import { RunView } from './ingestion/run-ledger.service';
import { PricesService } from './prices/prices.service';
import { ReferenceDataService } from './prices/reference-data.service';

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
  ) {}

  async prepare(opts: { loadArchiveIfEmpty: boolean }): Promise<RunView[]> {
    await this.reference.loadMarketsAndCommodities();
    await this.ingestion.registerSources();
    await this.mobile.load();
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
