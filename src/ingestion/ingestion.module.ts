import { Module } from '@nestjs/common';
import { PricesModule } from '../prices/prices.module';
import { SourcesModule } from '../sources/sources.module';
import { HttpFetcher } from './http-fetcher';
import { IngestionScheduler } from './ingestion.scheduler';
import { IngestionService } from './ingestion.service';
import { RunLedgerService } from './run-ledger.service';
import { HttpCacheService } from './http-cache.service';
import { SnapshotStoreService } from './snapshot-store.service';
import { SourceLeaseService } from './source-lease.service';
import { WfpImportService } from './wfp-import.service';

@Module({
  imports: [SourcesModule, PricesModule],
  providers: [
    IngestionService,
    HttpFetcher,
    RunLedgerService,
    SnapshotStoreService,
    IngestionScheduler,
    HttpCacheService,
    SourceLeaseService,
    WfpImportService,
  ],
  exports: [
    IngestionService,
    RunLedgerService,
    SnapshotStoreService,
    SourceLeaseService,
    WfpImportService,
  ],
})
export class IngestionModule {}
