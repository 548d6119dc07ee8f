import { Module } from '@nestjs/common';
import { CoverageModule } from '../coverage/coverage.module';
import { PricesModule } from '../prices/prices.module';
import { AnalysisCache } from './analysis-cache';
import { AnalysisWorkers } from './analysis-workers';
import { AlertFeedService } from './alerts/alert-feed.service';
import { AlertsService } from './alerts/alerts.service';
import { ConvergenceReportService } from './convergence-report.service';
import { CrossCountryService } from './cross-country/cross-country.service';
import { DispersionService } from './dispersion.service';
import { HalfLifeService } from './half-life.service';
import { NetworkService } from './network.service';
import { PanelService } from './panel.service';
import { PairRegressionService } from './pair-regression.service';
import { ReportInputsLoader } from './report-inputs';
import { TrendService } from './trend.service';

const services = [
  PanelService,
  DispersionService,
  HalfLifeService,
  TrendService,
  PairRegressionService,
  NetworkService,
  ReportInputsLoader,
  ConvergenceReportService,
  CrossCountryService,
  AlertsService,
  AlertFeedService,
];

@Module({
  imports: [PricesModule, CoverageModule],
  providers: [AnalysisCache, AnalysisWorkers, ...services],
  exports: services,
})
export class AnalysisModule {}
