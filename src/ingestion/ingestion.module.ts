import { Module } from '@nestjs/common';
import { CoverageModule } from '../coverage/coverage.module';
import { PricesModule } from '../prices/prices.module';
import { SourcesModule } from '../sources/sources.module';
import { HttpFetcher } from './http-fetcher';
import { IngestionScheduler } from './ingestion.scheduler';
import { IngestionService } from './ingestion.service';
import { RunLedgerService } from './run-ledger.service';
import { HttpCacheService } from './http-cache.service';
import { SnapshotStoreService } from './snapshot-store.service';
import { SourceLeaseService } from './source-lease.service';
import { ImportRunner } from './import-runner.service';

@Module({
  imports: [SourcesModule, PricesModule, CoverageModule],
  providers: [
    IngestionService,
    HttpFetcher,
    RunLedgerService,
    SnapshotStoreService,
    IngestionScheduler,
    HttpCacheService,
    SourceLeaseService,
    ImportRunner,
  ],
  exports: [
    IngestionService,
    RunLedgerService,
    SnapshotStoreService,
    SourceLeaseService,
    ImportRunner,
  ],
})
export class IngestionModule {}
