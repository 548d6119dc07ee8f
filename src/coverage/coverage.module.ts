import { Module } from '@nestjs/common';
import { PricesModule } from '../prices/prices.module';
import { CoverageService } from './coverage.service';
import { MobileSeriesService } from './mobile-series.service';
import { TowerImportService } from './tower-import.service';

@Module({
  imports: [PricesModule],
  providers: [MobileSeriesService, TowerImportService, CoverageService],
  exports: [MobileSeriesService, TowerImportService, CoverageService],
})
export class CoverageModule {}
