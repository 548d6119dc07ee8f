import { Controller, Get, Query } from '@nestjs/common';
import { NoQueryDto } from './dto/validators';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PrismaService } from '../database/prisma.service';
import { RunLedgerService } from '../ingestion/run-ledger.service';
import { CatalogueService } from '../prices/catalogue.service';
import { StartupService } from '../startup.service';
import { HealthDto } from './dto/responses/reference.responses';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly catalogue: CatalogueService,
    private readonly ledger: RunLedgerService,
    private readonly startup: StartupService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Service health',
    description:
      'status (`ok`, or `degraded` while a start-up step such as loading the shipped archive has failed and is being retried, or while a full disk under the embedded database refuses writes), database kind (pglite: embedded; postgres: server; with `storage` on pglite: the free space of its disk, the reserve and whether writes are accepted), row counts, the start-up steps with their state, attempts, last error and next retry, what start-up recovered from a process that stopped (stale leases cleared, runs and imports marked abandoned), and the last finished run of each source.',
  })
  @ApiOkResponse({ type: HealthDto })
  async health(@Query() _query: NoQueryDto) {
    const storage = this.storageStatus();
    const [counts, last] = await Promise.all([this.catalogue.counts(), this.ledger.lastBySource()]);
    const startupSteps = this.startup.status();
    const degraded = startupSteps.some((s) => s.status === 'failed') || storage?.writable === false;
    return {
      status: degraded ? 'degraded' : 'ok',
      database: this.prisma.kind,
      ...(storage ? { storage } : {}),
      uptimeSeconds: Math.round(process.uptime()),
      counts,
      startup: { steps: startupSteps, recovered: this.startup.recovery },
      lastRuns: Object.fromEntries([...last.entries()].map(([id, v]) => [id, v.last])),
    };
  }

  // the disk under the embedded database, and a database that a full disk stopped
  private storageStatus() {
    const status = this.prisma.storage.status();
    const wedged = this.prisma.wedged;
    return status && wedged ? { ...status, writable: false, reason: wedged } : status;
  }
}
