import { Controller, Get, Query } from '@nestjs/common';
import { NoQueryDto } from './dto/validators';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RunLedgerService } from '../ingestion/run-ledger.service';
import { PrismaService } from '../database/prisma.service';
import { PricesService } from '../prices/prices.service';

@ApiTags('reference')
@Controller()
export class ReferenceController {
  constructor(
    private readonly prices: PricesService,
    private readonly ledger: RunLedgerService,
    private readonly prisma: PrismaService,
  ) {}

  @Get('markets')
  @ApiOperation({
    summary: 'Markets: cities and regions with coordinates',
    description:
      'id, name, nameKo (Korean), province, latitude and longitude (WGS84 city centre, about 1 km precision), kind (city or region).',
  })
  markets(@Query() _query: NoQueryDto) {
    return this.prices.listMarkets();
  }

  @Get('commodities')
  @ApiOperation({
    summary: 'Commodities',
    description:
      'id, name, category (food, fuel, currency), defaultUnit (each observation states its own unit and currency), defaultCurrency.',
  })
  commodities(@Query() _query: NoQueryDto) {
    return this.prices.listCommodities();
  }

  @Get('sources')
  @ApiOperation({
    summary: 'Price publishers and the state of their ingestion',
    description:
      'id, name, homeUrl, credit (show it wherever the numbers are shown), observations stored, lastRun, lastSuccessAt, status: ok (last run succeeded or partial), failing (failingSince: the first failed run after the last success), never-run; warning: the last run parsed less than half the median of recent runs.',
  })
  async sources(@Query() _query: NoQueryDto) {
    const [sources, last, counts] = await Promise.all([
      this.prisma.source.findMany({ orderBy: { id: 'asc' } }),
      this.ledger.lastBySource(),
      this.prisma.observation.groupBy({ by: ['sourceId'], _count: { _all: true } }),
    ]);
    return sources.map((s) => {
      const l = last.get(s.id);
      return {
        id: s.id,
        name: s.name,
        homeUrl: s.homeUrl,
        credit: s.credit,
        observations: counts.find((c) => c.sourceId === s.id)?._count._all ?? 0,
        status: !l ? 'never-run' : l.last.status === 'failed' ? 'failing' : 'ok',
        failingSince: l?.failingSince ?? null,
        // set when the last run parsed far fewer rows than recent runs did (a silent layout change?)
        warning: l?.last.warning ?? null,
        lastSuccessAt: l?.lastSuccessAt ?? null,
        lastRun: l?.last ?? null,
      };
    });
  }
}
