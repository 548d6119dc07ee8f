import { Module } from '@nestjs/common';
import { CatalogueService } from './catalogue.service';
import { DataVersionService } from './data-version.service';
import { ObservationWriterService } from './observation-writer.service';
import { PricesService } from './prices.service';
import { ReferenceDataService } from './reference-data.service';
import { ReferenceIdsService } from './reference-ids.service';

const SERVICES = [
  PricesService,
  CatalogueService,
  DataVersionService,
  ReferenceIdsService,
  ObservationWriterService,
  ReferenceDataService,
];

@Module({ providers: SERVICES, exports: SERVICES })
export class PricesModule {}
