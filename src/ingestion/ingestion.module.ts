import { Module } from '@nestjs/common';
import { PricesModule } from '../prices/prices.module';
import { SourcesModule } from '../sources/sources.module';
import { HttpFetcher } from './http-fetcher';
import { IngestionScheduler } from './ingestion.scheduler';
import { IngestionService } from './ingestion.service';
import { RunLedgerService } from './run-ledger.service';
import { SnapshotStoreService } from './snapshot-store.service';

@Module({
  imports: [SourcesModule, PricesModule],
  providers: [
    IngestionService,
    HttpFetcher,
    RunLedgerService,
    SnapshotStoreService,
    IngestionScheduler,
  ],
  exports: [IngestionService, RunLedgerService, SnapshotStoreService],
})
export class IngestionModule {}
