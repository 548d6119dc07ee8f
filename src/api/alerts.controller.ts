import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { alertRows, alertsCsv } from '../analysis/alerts/alerts-table';
import { AlertsService, SeriesAlerts } from '../analysis/alerts/alerts.service';
import { AlertsHistoryQueryDto, AlertsQueryDto } from './dto/alerts-query.dto';
import {
  AlertHistoryDto,
  AlertSummaryDto,
  SeriesAlertsDto,
} from './dto/responses/alerts.responses';
import { CountryQueryDto } from './dto/validators';

const DEFINITIONS = [
  'Monthly series per market: the mean of the market’s values in each calendar month (one value per date, the preferred source’s); averages of markets (regions) and forecasts left out.',
  'Eligibility (WFP): at least 36 months from the first value to the last, at least 70 % of those months with a value, and a value in the 6 months up to the month assessed; an ineligible market says which rule it fails.',
  'ALPS (WFP’s Alert for Price Spikes): OLS of the price on a linear trend in months and 11 calendar-month dummies over the months up to the one assessed; σ the residual standard deviation (n − k df); ALPS = (P − P̂)/σ. Classes: < 0.25 normal, [0.25, 1) stress, [1, 2) alert, ≥ 2 crisis.',
  'IFPA (FAO, SDG 2.c.1) on the market’s monthly prices: CQGR = (P_m/P_{m−3})^{1/3} − 1, CAGR = (P_m/P_{m−12})^{1/12} − 1; for the calendar month, the mean and sample SD over years of each, every year weighted equally (FAO’s weighting is not published in detail); IFPA = 0.4·z(CQGR) + 0.6·z(CAGR). Classes: ≥ 1 abnormally high, [0.5, 1) moderately high, ≤ −1 abnormally low, otherwise normal.',
].join('\n');

@ApiTags('analysis')
@Controller('analysis/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({
    summary: 'Price alerts for every market of a series: WFP’s ALPS and FAO’s IFPA',
    description: `${DEFINITIONS}\nOne series: a country (default PRK), a commodity, and unit, priceType and currency where it has several (a 400 lists them). Markets are sorted by severity. format=csv or ndjson: one row per market with the credit of the sources.`,
  })
  @ApiProduces('application/json', 'text/csv', 'application/x-ndjson')
  @ApiOkResponse({ type: SeriesAlertsDto })
  async get(
    @Query() q: AlertsQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SeriesAlerts | string> {
    const { format, ...request } = q;
    const a = await this.alerts.alerts(request);
    if (format === 'csv') {
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader(
        'content-disposition',
        `attachment; filename="${`${a.country}-${a.commodity}-alerts.csv`.toLowerCase()}"`,
      );
      return alertsCsv(a);
    }
    if (format === 'ndjson') {
      res.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
      return alertRows(a)
        .map((r) => JSON.stringify(r) + '\n')
        .join('');
    }
    return a;
  }

  @Get('history')
  @ApiOperation({
    summary: 'One market’s monthly prices with the ALPS trend, bands and values, and IFPA',
    description: `${DEFINITIONS}\nThe trend, σ and the bands (the lower edges of stress, alert and crisis: trend + 0.25σ, + σ, + 2σ) are those of the fit as of asOf (the months up to it); each month’s ALPS is against that fit, its IFPA from the months up to it.`,
  })
  @ApiOkResponse({ type: AlertHistoryDto })
  history(@Query() q: AlertsHistoryQueryDto) {
    return this.alerts.history(q);
  }

  @Get('summary')
  @ApiOperation({
    summary:
      'WFP’s “at a glance”: per series of a country, markets monitored and in each ALPS class',
    description: `${DEFINITIONS}\nEvery series (commodity, unit, price type, currency) of the country, each assessed at its own last month; sorted by crisis, then alert, then stress counts.`,
  })
  @ApiOkResponse({ type: AlertSummaryDto })
  summary(@Query() q: CountryQueryDto) {
    return this.alerts.summary(q.country);
  }
}
