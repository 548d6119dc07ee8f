import { Module } from '@nestjs/common';
import { ObservationWriterService } from './observation-writer.service';
import { PricesService } from './prices.service';
import { ReferenceDataService } from './reference-data.service';

@Module({
  providers: [PricesService, ObservationWriterService, ReferenceDataService],
  exports: [PricesService, ObservationWriterService, ReferenceDataService],
})
export class PricesModule {}
