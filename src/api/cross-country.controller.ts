import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { panelCsv } from '../analysis/cross-country/cross-country-csv';
import {
  CrossCountryAnswer,
  CrossCountryService,
} from '../analysis/cross-country/cross-country.service';
import { CrossCountryQueryDto } from './dto/cross-country-query.dto';
import { CrossCountryAnswerDto } from './dto/responses/cross-country.responses';

@ApiTags('analysis')
@Controller('analysis')
export class CrossCountryController {
  constructor(private readonly crossCountry: CrossCountryService) {}

  @Get('cross-country')
  @ApiOperation({
    summary: 'The cross-country convergence test: every country with prices and phones',
    description: [
      'Within one country national coverage is one value per month and cannot be told from anything else that trended; across countries, month fixed effects absorb world price shocks and the different timing of phones identifies the effect.',
      '- A series is (country, commodity, unit, price type, currency); a market’s monthly price is the mean of its survey dates’ values in the month (one value per date, the preferred source’s). Averages of markets (regions) and forecasts never enter.',
      '- A series enters when at least minMarkets of its markets have a price in at least minMonths months; every (series, month) with at least 2 priced markets and a subscriptions value is a row.',
      '- D (measure=meanAbsLogDiff): mean over market pairs of |ln p_i − ln p_j|, free of currency, unit and inflation; measure=cv: population σ / mean.',
      '- Coverage: the country’s subscriptions per 100 on the month’s 15th (ITU/WDI year-end values, linear between year ends, the last value after it, none before the first: those months are left out and counted).',
      '- seriesLevel: D = α_series + γ_month + β·coverage + ε, errors clustered by country (t with G − 1 df), and the wild cluster bootstrap-t by country (Webb weights under 12 clusters; every weight vector when there are at most `bootstrap`), the number of clusters beside every p. Fewer than 2 countries: not identified, with the reason.',
      '- leaveOneCountryOut: the estimate without each country (3 countries or more).',
      '- perCountry: each country’s pair regression as the report runs it (pair fixed effects, clustered by pair) on its monthly market pairs; pooled: REML and DerSimonian-Laird random effects with τ², I², Cochran’s Q and its p.',
      'format=csv answers the panel, one row per (country, series, month): country, series, commodity, unit, priceType, currency, month, d, markets, pairs, subscriptionsPer100, credit.',
    ].join('\n'),
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: CrossCountryAnswerDto })
  async get(
    @Query() q: CrossCountryQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CrossCountryAnswer | string> {
    const answer = await this.crossCountry.analyse(q);
    if (q.format !== 'csv') return answer;
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="cross-country-panel.csv"');
    return panelCsv(answer);
  }
}
