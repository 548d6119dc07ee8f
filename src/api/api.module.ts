import { Module } from '@nestjs/common';
import { AnalysisModule } from '../analysis/analysis.module';
import { CoverageModule } from '../coverage/coverage.module';
import { IngestionModule } from '../ingestion/ingestion.module';
import { PricesModule } from '../prices/prices.module';
import { AdminTokenGuard } from './admin-token.guard';
import { AlertsController } from './alerts.controller';
import { AlertsFeedController } from './alerts-feed.controller';
import { AnalysisController } from './analysis.controller';
import { CoverageController } from './coverage.controller';
import { CrossCountryController } from './cross-country.controller';
import { HealthController } from './health.controller';
import { IngestionController } from './ingestion.controller';
import { ObservationsController } from './observations.controller';
import { ImportsController } from './imports.controller';
import { ReferenceController } from './reference.controller';
import { StartupModule } from '../startup.module';

// Controllers and DTOs only: the one contract for economists and the dashboard.
@Module({
  imports: [PricesModule, IngestionModule, AnalysisModule, CoverageModule, StartupModule],
  controllers: [
    HealthController,
    ReferenceController,
    ObservationsController,
    AnalysisController,
    CrossCountryController,
    AlertsController,
    AlertsFeedController,
    IngestionController,
    CoverageController,
    ImportsController,
  ],
  providers: [AdminTokenGuard],
})
export class ApiModule {}
