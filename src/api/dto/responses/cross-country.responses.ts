import { ApiProperty } from '@nestjs/swagger';
import { Bool, Int, Many, MapOf, Num, Nums, One, OneOf, Str, Strs } from './props';
import { CreditDto } from './analysis.responses';

// The answer of GET /api/analysis/cross-country, field by field.

export class CrossCountryFiltersDto {
  @Strs('the countries asked for; null: every country with prices', { nullable: true })
  countries!: string[] | null;
  @Strs('the commodity ids the request resolved to') commodities!: string[];
  @Str('the commodities as asked (ids, names or groups)') commoditiesAsked!: string;
  @Str(undefined, { nullable: true }) from!: string | null;
  @Str(undefined, { nullable: true }) to!: string | null;
  @Int() minMarkets!: number;
  @Int() minMonths!: number;
  @Str(undefined, { enum: ['meanAbsLogDiff', 'cv'] }) measure!: string;
  @Int() bootstrap!: number;
  @Int() seed!: number;
  @Num('subscriptions per 100 that date adoption') threshold!: number;
}

export class CrossCountrySpecificationDto {
  @Str() series!: string;
  @Str() entry!: string;
  @Str() dispersion!: string;
  @Str() coverage!: string;
  @Str() seriesLevel!: string;
  @Str() pairLevel!: string;
  @Str() perCountry!: string;
  @Str() adoption!: string;
  @Str() eventStudy!: string;
  @Str() callawaySantAnna!: string;
  @Str() staticTwfe!: string;
  @Str() pooled!: string;
}

export class PanelOptionsDto {
  @Int() minMarkets!: number;
  @Int() minMonths!: number;
  @Str(undefined, { enum: ['meanAbsLogDiff', 'cv'] }) measure!: string;
}

export class PanelSeriesDto {
  @Str('country|commodity|unit|priceType|currency (a unit may hold a slash: KPW/kg)') id!: string;
  @Str() country!: string;
  @Str() commodity!: string;
  @Str() unit!: string;
  @Str() priceType!: string;
  @Str() currency!: string;
  @Int('markets priced in the panel’s months') markets!: number;
  @Int('rows of the series in the panel') months!: number;
  @Str('YYYY-MM') firstMonth!: string;
  @Str('YYYY-MM') lastMonth!: string;
  @Strs('sources of its prices') sources!: string[];
}

export class PanelRowDto {
  @Int('index into panel.series') series!: number;
  @Str() country!: string;
  @Str('YYYY-MM') month!: string;
  @Num('the dispersion D of the month') d!: number;
  @Int() markets!: number;
  @Int() pairs!: number;
  @Num('subscriptions per 100 people on the 15th') coverage!: number;
}

export class LeftOutDto {
  @Str() country!: string;
  @Str('the series left out; absent: the whole country', { optional: true }) series?: string;
  @Str() reason!: string;
}

export class CrossCountryPanelDto {
  @One(() => PanelOptionsDto) options!: PanelOptionsDto;
  @Many(() => PanelSeriesDto) series!: PanelSeriesDto[];
  @Many(() => PanelRowDto) rows!: PanelRowDto[];
  @Strs('countries with at least one row') countries!: string[];
  @Many(() => LeftOutDto) leftOut!: LeftOutDto[];
  @MapOf('integer', 'series-months before the country’s first subscriptions value, by country')
  rowsWithoutCoverage!: Record<string, number>;
}

export class CountryBootstrapDto {
  @Num() p!: number;
  @Int('countries') clusters!: number;
  @Int() replications!: number;
  @Str(undefined, { enum: ['webb', 'rademacher'] }) weights!: string;
  @Bool('every weight vector evaluated once (exact)') enumerated!: boolean;
  @Int() seed!: number;
  @ApiProperty({
    type: 'array',
    items: { type: 'number', nullable: true },
    description: '95 % interval by test inversion; a null bound is unbounded',
  })
  ci95!: (number | null)[];
}

export class TwfeEstimateDto {
  @Bool('always true') identified!: true;
  @Num('β: change in D per subscription per 100') estimate!: number;
  @Num('clustered by country') se!: number;
  @Num() t!: number;
  @Num('t with G − 1 df') p!: number;
  @Int() df!: number;
  @Nums() ci95!: number[];
  @Int('countries') clusters!: number;
  @Int() n!: number;
  @Int() series!: number;
  @Int() months!: number;
  @One(() => CountryBootstrapDto, 'null with bootstrap=0', { nullable: true })
  bootstrap!: CountryBootstrapDto | null;
}

export class PairLevelEstimateDto {
  @Bool('always true') identified!: true;
  @Num('β: change in |ln p_i − ln p_j| per subscription per 100') estimate!: number;
  @Num('clustered by country') se!: number;
  @Num() t!: number;
  @Num('t with G − 1 df') p!: number;
  @Int() df!: number;
  @Nums() ci95!: number[];
  @Int('countries') clusters!: number;
  @Int('pair-months') n!: number;
  @Int() pairs!: number;
  @Int() months!: number;
  @One(() => CountryBootstrapDto, 'null with bootstrap=0', { nullable: true })
  bootstrap!: CountryBootstrapDto | null;
}

export class NotIdentifiedEstimateDto {
  @Bool('always false: no number is given') identified!: false;
  @Str() reason!: string;
  @Int() n!: number;
  @Int() clusters!: number;
}

export class LeaveOneOutDto {
  @Str('the country left out') country!: string;
  @Num(undefined, { nullable: true }) estimate!: number | null;
  @Str(undefined, { optional: true }) reason?: string;
}

export class CountryEstimateDto {
  @Str() country!: string;
  @Int() series!: number;
  @Int() pairs!: number;
  @Int() n!: number;
  @Num(undefined, { nullable: true }) estimate!: number | null;
  @Num(undefined, { nullable: true }) se!: number | null;
  @Num(undefined, { nullable: true }) p!: number | null;
  @Nums(undefined, { nullable: true }) ci95!: number[] | null;
  @Str('why there is no estimate', { optional: true }) reason?: string;
}

export class RandomEffectsDto {
  @Str(undefined, { enum: ['REML', 'DL'] }) method!: string;
  @Int() k!: number;
  @Num() estimate!: number;
  @Num() se!: number;
  @Num() z!: number;
  @Num() p!: number;
  @Nums() ci95!: number[];
  @Num() tau2!: number;
  @Num('percent') i2!: number;
  @Num('Cochran’s Q') q!: number;
  @Int() qDf!: number;
  @Num() qP!: number;
  @Int() iterations!: number;
  @Bool() converged!: boolean;
}

export class PooledDto {
  @One(() => RandomEffectsDto, undefined, { nullable: true }) reml!: RandomEffectsDto | null;
  @One(() => RandomEffectsDto, undefined, { nullable: true }) dl!: RandomEffectsDto | null;
  @Strs('the countries pooled') countries!: string[];
  @Str('why there is no pooled estimate', { optional: true }) reason?: string;
}

export class ReportSectionDto {
  @Str() title!: string;
  @Strs() sentences!: string[];
}

export class CrossCountryReportTextDto {
  @Str() headline!: string;
  @Many(() => ReportSectionDto) sections!: ReportSectionDto[];
}

export class AdoptionDto {
  @Str() country!: string;
  @Str(undefined, { enum: ['adopts', 'never', 'always'] }) status!: string;
  @Str('YYYY-MM, the adoption month', { nullable: true }) month!: string | null;
  @Str() reason!: string;
}

export class EventCoefficientDto {
  @Int('whole years since adoption (−5 and 10 bin the ends; −1 is the reference)')
  eventYear!: number;
  @Num() estimate!: number;
  @Num() se!: number;
  @Num() p!: number;
  @Nums() ci95!: number[];
}

export class WaldTestDto {
  @Num() f!: number;
  @Int() df1!: number;
  @Int() df2!: number;
  @Num() p!: number;
}

export class UntestableDto {
  @Str('why the joint test cannot be made') untestable!: string;
}

export class DroppedEventYearDto {
  @Int() eventYear!: number;
  @Str() reason!: string;
}

export class EventStudyDto {
  @Bool() identified!: true;
  @Int() n!: number;
  @Int('countries') clusters!: number;
  @Many(() => EventCoefficientDto) coefficients!: EventCoefficientDto[];
  @Many(() => DroppedEventYearDto) dropped!: DroppedEventYearDto[];
  @OneOf([() => WaldTestDto, () => UntestableDto], 'the joint test of the leads −5..−2')
  preTrend!: WaldTestDto | UntestableDto;
}

export class StaticTwfeDto {
  @Bool() identified!: true;
  @Num() estimate!: number;
  @Num() se!: number;
  @Num() p!: number;
  @Nums() ci95!: number[];
  @Int() n!: number;
  @Int() clusters!: number;
}

export class AttCellDto {
  @Int('adoption year') cohort!: number;
  @Int() year!: number;
  @Int() eventYear!: number;
  @Int('the base year') base!: number;
  @Num(undefined, { nullable: true }) att!: number | null;
  @Int('series of the cohort compared') treated!: number;
  @Int('not-yet-adopted series compared') controls!: number;
  @Str('why there is no ATT', { optional: true }) reason?: string;
}

export class AggregateDto {
  @Num() estimate!: number;
  @Num('null: not estimable (see seNote)', { nullable: true }) se!: number | null;
  @Nums(undefined, { nullable: true }) ci95!: number[] | null;
  @Int('group-time cells averaged') cells!: number;
  @Str(undefined, { optional: true }) seNote?: string;
}

export class DynamicAggregateDto extends AggregateDto {
  @Int() eventYear!: number;
}

export class CohortDto {
  @Int() cohort!: number;
  @Int() series!: number;
  @Strs() countries!: string[];
}

export class CallawaySantAnnaDto {
  @Bool() identified!: boolean;
  @Str(undefined, { optional: true }) reason?: string;
  @Many(() => CohortDto) cohorts!: CohortDto[];
  @Many(() => AttCellDto) cells!: AttCellDto[];
  @One(() => AggregateDto, undefined, { nullable: true }) simple!: AggregateDto | null;
  @Many(() => DynamicAggregateDto) dynamic!: DynamicAggregateDto[];
  @OneOf([() => WaldTestDto, () => UntestableDto], 'the joint test of the pre-adoption effects', {
    nullable: true,
  })
  preTrend!: WaldTestDto | UntestableDto | null;
  @Int() clusters!: number;
}

export class StaggeredDto {
  @Num() threshold!: number;
  @Many(() => AdoptionDto) adoption!: AdoptionDto[];
  @OneOf([() => EventStudyDto, () => NotIdentifiedEstimateDto]) eventStudy!:
    EventStudyDto | NotIdentifiedEstimateDto;
  @One(() => CallawaySantAnnaDto) callawaySantAnna!: CallawaySantAnnaDto;
  @OneOf([() => StaticTwfeDto, () => NotIdentifiedEstimateDto]) staticTwfe!:
    StaticTwfeDto | NotIdentifiedEstimateDto;
}

export class CrossCountryAnswerDto {
  @One(() => CrossCountryFiltersDto) filters!: CrossCountryFiltersDto;
  @One(() => CrossCountrySpecificationDto) specification!: CrossCountrySpecificationDto;
  @One(() => CrossCountryPanelDto) panel!: CrossCountryPanelDto;
  @OneOf([() => TwfeEstimateDto, () => NotIdentifiedEstimateDto])
  seriesLevel!: TwfeEstimateDto | NotIdentifiedEstimateDto;
  @OneOf([() => PairLevelEstimateDto, () => NotIdentifiedEstimateDto])
  pairLevel!: PairLevelEstimateDto | NotIdentifiedEstimateDto;
  @Many(() => LeaveOneOutDto, 'empty under 3 countries') leaveOneCountryOut!: LeaveOneOutDto[];
  @Many(() => CountryEstimateDto) perCountry!: CountryEstimateDto[];
  @One(() => PooledDto) pooled!: PooledDto;
  @One(() => StaggeredDto) staggered!: StaggeredDto;
  @One(() => CrossCountryReportTextDto) report!: CrossCountryReportTextDto;
  @Many(() => CreditDto) credits!: CreditDto[];
}
