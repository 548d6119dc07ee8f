import { Module } from '@nestjs/common';
import { CoverageModule } from './coverage/coverage.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { PricesModule } from './prices/prices.module';
import { StartupService } from './startup.service';

// Start-up and crash recovery, its own module so /api/health can report the start-up steps.
@Module({
  imports: [PricesModule, CoverageModule, IngestionModule],
  providers: [StartupService],
  exports: [StartupService],
})
export class StartupModule {}
