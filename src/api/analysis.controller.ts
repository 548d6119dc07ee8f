import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DispersionReport, DispersionService } from '../analysis/dispersion.service';
import { PricesService } from '../prices/prices.service';
import { DispersionQueryDto } from './dto/dispersion-query.dto';

@ApiTags('analysis')
@Controller('analysis')
export class AnalysisController {
  constructor(
    private readonly dispersion: DispersionService,
    private readonly prices: PricesService,
  ) {}

  @Get('dispersion')
  @ApiOperation({
    summary: 'Cross-market price dispersion per survey date (sigma-convergence)',
    description: [
      'For every survey date on which at least two of the markets were observed (with balanced=true: all of them), over the prices p_1..p_n of that date:',
      '- n: number of markets observed;',
      '- mean: arithmetic mean Σp/n (current KPW);',
      '- cv: coefficient of variation with the population standard deviation, σ/mean, σ = sqrt(Σ(p-mean)²/n);',
      '- cvSample: the same with the sample standard deviation s = sqrt(Σ(p-mean)²/(n-1));',
      '- sdLog: population standard deviation of ln p;',
      '- maxMinRatio: max p / min p;',
      '- meanAbsLogDiff: mean over the n(n-1)/2 market pairs of |ln p_i - ln p_j|.',
      "byYear: the mean of each measure over that calendar year's survey dates (each date weighs the same), with the number of dates.",
      'Where two sources publish the same market and date, the preferred source is used (see sources in the answer); pass source= to fix one.',
      'Composition caveat: with balanced=false a date with two markets and one with three are not strictly comparable.',
    ].join('\n'),
  })
  @ApiOkResponse({
    description:
      '{ commodity, markets, from, to, balanced, sources, series: [...], byYear: [...] }',
  })
  async getDispersion(@Query() q: DispersionQueryDto): Promise<DispersionReport> {
    if (q.from && q.to && q.from > q.to)
      throw new BadRequestException('from: must not be after to');
    await this.prices.assertKnown('commodity', 'commodity', [q.commodity]);
    await this.prices.assertKnown('markets', 'market', q.markets);
    await this.prices.assertKnown('source', 'source', q.source ? [q.source] : undefined);
    return this.dispersion.dispersion({
      ...q,
      markets: q.markets ? [...new Set(q.markets)] : undefined,
    });
  }
}
