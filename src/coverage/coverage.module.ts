import { Module } from '@nestjs/common';
import { PricesModule } from '../prices/prices.module';
import { AreaShareService } from './area-share.service';
import { CoverageService } from './coverage.service';
import { SubscriptionImportService } from './subscription-import.service';
import { MobileSeriesService } from './mobile-series.service';
import { TowerImportService } from './tower-import.service';

@Module({
  imports: [PricesModule],
  providers: [
    MobileSeriesService,
    TowerImportService,
    CoverageService,
    AreaShareService,
    SubscriptionImportService,
  ],
  exports: [
    MobileSeriesService,
    TowerImportService,
    CoverageService,
    AreaShareService,
    SubscriptionImportService,
  ],
})
export class CoverageModule {}
