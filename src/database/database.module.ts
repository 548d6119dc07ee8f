import { DynamicModule, Global, Module } from '@nestjs/common';
import { DATABASE_HOLDER, DatabaseHolder, PrismaService } from './prisma.service';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(holder: DatabaseHolder): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: DATABASE_HOLDER, useValue: holder }, PrismaService],
      exports: [PrismaService, DATABASE_HOLDER],
    };
  }
}
