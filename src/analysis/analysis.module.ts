import { Module } from '@nestjs/common';
import { PricesModule } from '../prices/prices.module';
import { DispersionService } from './dispersion.service';

@Module({ imports: [PricesModule], providers: [DispersionService], exports: [DispersionService] })
export class AnalysisModule {}
