import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { createSources } from './source-registry';
import { PRICE_SOURCES } from './source.types';

// Every publisher adapter, collected under one token.
@Module({
  providers: [
    {
      provide: PRICE_SOURCES,
      useFactory: (config: AppConfig) => createSources(config),
      inject: [APP_CONFIG],
    },
  ],
  exports: [PRICE_SOURCES],
})
export class SourcesModule {}
