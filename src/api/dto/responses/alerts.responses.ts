import { Bool, Int, Many, Num, One, Str } from './props';
import { CreditDto } from './analysis.responses';

export class EligibilityDto {
  @Bool(
    'WFP’s rule: 36 months from first to last value, 70 % of them with a value, a value in the last 6 months',
  )
  eligible!: boolean;
  @Int('months from the first value to the last') spanMonths!: number;
  @Num('share of those months with a value') share!: number;
  @Str('the rule it fails', { optional: true }) reason?: string;
}

export class AlpsDto {
  @Num('(P − P̂) / σ at the month assessed') value!: number;
  @Str(undefined, { enum: ['normal', 'stress', 'alert', 'crisis'] }) class!: string;
  @Num('P̂: the trend and calendar-month fit at the month assessed') trend!: number;
  @Num('residual standard deviation, n − k degrees of freedom') sigma!: number;
}

export class IfpaDto {
  @Num('0.4·z(CQGR) + 0.6·z(CAGR)') value!: number;
  @Str(undefined, { enum: ['abnormally high', 'moderately high', 'normal', 'abnormally low'] })
  class!: string;
  @Num('compound quarterly growth rate') cqgr!: number;
  @Num('compound annual growth rate') cagr!: number;
  @Num() zCqgr!: number;
  @Num() zCagr!: number;
  @Int('years of the calendar month with both growth rates') years!: number;
}

export class MarketAlertDto {
  @Str() market!: string;
  @Str('display name') name!: string;
  @Str('YYYY-MM: the market’s last month with a value, at or before asOf', { nullable: true })
  monthAssessed!: string | null;
  @Num(undefined, { nullable: true }) price!: number | null;
  @One(() => EligibilityDto) eligibility!: EligibilityDto;
  @One(() => AlpsDto, 'null when not eligible', { nullable: true }) alps!: AlpsDto | null;
  @One(() => IfpaDto, 'null when not eligible or not computable', { nullable: true })
  ifpa!: IfpaDto | null;
  @Str('why there is no IFPA', { optional: true }) ifpaReason?: string;
}

export class SeriesAlertsDto {
  @Str() country!: string;
  @Str() commodity!: string;
  @Str() unit!: string;
  @Str() priceType!: string;
  @Str() currency!: string;
  @Str('YYYY-MM: the month assessed') asOf!: string;
  @Many(() => MarketAlertDto, 'by severity: crisis first, then ALPS; ineligible last')
  markets!: MarketAlertDto[];
  @Many(() => CreditDto) credits!: CreditDto[];
}

export class AlpsBandsDto {
  @Num('trend + 0.25σ') stress!: number;
  @Num('trend + σ') alert!: number;
  @Num('trend + 2σ') crisis!: number;
}

export class AlertHistoryMonthDto {
  @Str('YYYY-MM') month!: string;
  @Num() price!: number;
  @Num(undefined, { nullable: true }) trend!: number | null;
  @One(() => AlpsBandsDto, undefined, { nullable: true }) bands!: AlpsBandsDto | null;
  @Num('against the fit as of asOf', { nullable: true }) alps!: number | null;
  @Num('from the months up to this one', { nullable: true }) ifpa!: number | null;
}

export class AlertHistoryDto {
  @Str() country!: string;
  @Str() market!: string;
  @Str() commodity!: string;
  @Str() unit!: string;
  @Str() priceType!: string;
  @Str() currency!: string;
  @Str('YYYY-MM') asOf!: string;
  @One(() => EligibilityDto) eligibility!: EligibilityDto;
  @Num(undefined, { nullable: true }) sigma!: number | null;
  @Many(() => AlertHistoryMonthDto) months!: AlertHistoryMonthDto[];
  @Many(() => CreditDto) credits!: CreditDto[];
}

export class AlertSummarySeriesDto {
  @Str() commodity!: string;
  @Str() unit!: string;
  @Str() priceType!: string;
  @Str() currency!: string;
  @Str('YYYY-MM: the series’ last month, the one assessed') month!: string;
  @Int('markets with a price') markets!: number;
  @Int('markets eligible (monitored)') monitored!: number;
  @Int() normal!: number;
  @Int() stress!: number;
  @Int() alert!: number;
  @Int() crisis!: number;
}

export class AlertSummaryDto {
  @Str() country!: string;
  @Many(() => AlertSummarySeriesDto) series!: AlertSummarySeriesDto[];
}
