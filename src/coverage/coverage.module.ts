import { Module } from '@nestjs/common';
import { MobileSeriesService } from './mobile-series.service';

@Module({ providers: [MobileSeriesService], exports: [MobileSeriesService] })
export class CoverageModule {}
