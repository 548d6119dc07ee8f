import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { MobileSeriesService } from '../coverage/mobile-series.service';
import { PrismaService } from '../database/prisma.service';
import { RunLedgerService } from '../ingestion/run-ledger.service';
import { PricesService } from '../prices/prices.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly prices: PricesService,
    private readonly ledger: RunLedgerService,
    private readonly mobile: MobileSeriesService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Service health',
    description:
      'status, database kind (pglite: embedded; postgres: server), row counts, and the last finished run of each source.',
  })
  async health() {
    const [counts, mobileSeriesPoints, last] = await Promise.all([
      this.prices.counts(),
      this.mobile.count(),
      this.ledger.lastBySource(),
    ]);
    return {
      status: 'ok',
      database: this.prisma.kind,
      uptimeSeconds: Math.round(process.uptime()),
      counts: { ...counts, mobileSeriesPoints },
      lastRuns: Object.fromEntries([...last.entries()].map(([id, v]) => [id, v.last])),
    };
  }
}
