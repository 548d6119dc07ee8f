import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AnalysisModule } from './analysis/analysis.module';
import { ApiModule } from './api/api.module';
import { EventsModule } from './common/events.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CoverageModule } from './coverage/coverage.module';
import { DatabaseModule } from './database/database.module';
import { DatabaseHolder } from './database/prisma.service';
import { IngestionModule } from './ingestion/ingestion.module';
import { PricesModule } from './prices/prices.module';
import { StartupModule } from './startup.module';

@Module({})
export class AppModule {
  // withApi: false for the command line, which needs the services but no HTTP controllers.
  static forRoot(
    config: AppConfig,
    opts: { withApi: boolean; holder: DatabaseHolder } = { withApi: true, holder: 'server' },
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(opts.holder),
        EventsModule,
        ScheduleModule.forRoot(),
        PricesModule,
        CoverageModule,
        IngestionModule,
        AnalysisModule,
        StartupModule,
        ...(opts.withApi ? [ApiModule] : []),
      ],
    };
  }
}
