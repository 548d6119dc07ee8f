import { ApiProperty } from '@nestjs/swagger';
import { Bool, Day, Int, Many, ManyOneOf, MapOf, Num, Nums, One, OneOf, Str, Strs } from './props';

// The statistics' answers. Where a statistic cannot be computed, its place holds the reason
// (insufficientData with the counts) instead of a number: never a made-up value.

export class InsufficientDto {
  @Bool('always true') insufficientData!: true;
  @Int('observations available') observations!: number;
  @Int('observations needed') required!: number;
  @Str() message!: string;
}

export class DispersionAtDateDto {
  @Day() date!: string;
  @Int('markets observed') n!: number;
  @Num('arithmetic mean price') mean!: number;
  @Num('σ/mean, population σ') cv!: number;
  @Num('s/mean, sample s') cvSample!: number;
  @Num('population standard deviation of ln p') sdLog!: number;
  @Num('max p / min p') maxMinRatio!: number;
  @Num('mean over market pairs of |ln p_i − ln p_j|') meanAbsLogDiff!: number;
}

export class DispersionYearDto {
  @Int() year!: number;
  @Int('survey dates in the year') dates!: number;
  @Num() mean!: number;
  @Num() cv!: number;
  @Num() cvSample!: number;
  @Num() sdLog!: number;
  @Num() maxMinRatio!: number;
  @Num() meanAbsLogDiff!: number;
}

export class DispersionReportDto {
  @Str() commodity!: string;
  @Strs() markets!: string[];
  @Day(undefined, { nullable: true }) from!: string | null;
  @Day(undefined, { nullable: true }) to!: string | null;
  @Bool() balanced!: boolean;
  @Strs('the sources the series come from') sources!: string[];
  @Many(() => DispersionAtDateDto) series!: DispersionAtDateDto[];
  @Many(() => DispersionYearDto) byYear!: DispersionYearDto[];
}

export class AdfCriticalValuesDto {
  @Num() '1pct'!: number;
  @Num() '5pct'!: number;
  @Num() '10pct'!: number;
}

export class AdfDto {
  @Num('t statistic of γ') tau!: number;
  @Int('lagged differences') lags!: number;
  @Int() n!: number;
  @One(() => AdfCriticalValuesDto, 'MacKinnon (2010)') criticalValues!: AdfCriticalValuesDto;
}

export class HalfLifeDto {
  @Int('regression observations') n!: number;
  @Num() c!: number;
  @Num() rho!: number;
  @Num() rhoSe!: number;
  @Num('ln(0.5)/ln(ρ); null when ρ is outside (0, 1)', { nullable: true })
  halfLifeIntervals!: number | null;
  @Num(undefined, { nullable: true }) medianIntervalDays!: number | null;
  @Num('null when under one survey interval', { nullable: true }) halfLifeDays!: number | null;
  @Bool('ρ < 0.5') underOneInterval!: boolean;
}

export class PairHalfLifeDto extends HalfLifeDto {
  @Str() a!: string;
  @Str() b!: string;
  @Int('common dates') observations!: number;
  @Day() firstDate!: string;
  @Day() lastDate!: string;
  @One(() => AdfDto, 'with adf=true', { optional: true }) adf?: AdfDto;
}

export class PairInsufficientDto extends InsufficientDto {
  @Str() a!: string;
  @Str() b!: string;
}

export class HalfLifePeriodDto {
  @Day() from!: string;
  @Day() to!: string;
  @Num(
    "the median interval between the period's survey dates, in days (half-lives in days use it)",
    {
      nullable: true,
    },
  )
  medianIntervalDays!: number | null;
  @ManyOneOf([() => PairHalfLifeDto, () => PairInsufficientDto])
  pairs!: (PairHalfLifeDto | PairInsufficientDto)[];
}

export class HalfLivesReportDto {
  @Str() commodity!: string;
  @Int() minimumObservations!: number;
  @Many(() => HalfLifePeriodDto) periods!: HalfLifePeriodDto[];
}

export class MannKendallDto {
  @Int() n!: number;
  @Num('Σ sign(x_j − x_i)') s!: number;
  @Num() varS!: number;
  @Num('varS · n/n* (Hamed-Rao)') varSCorrected!: number;
  @Num() nOverNStar!: number;
  @Num('null when n/n* is not positive (the corrected variance is undefined)', { nullable: true })
  z!: number | null;
  @Num('two-sided; null with z', { nullable: true }) p!: number | null;
  @Num("Kendall's tau") tau!: number;
  @Num() senSlopePerStep!: number;
  @Num(undefined, { nullable: true }) senSlopePerYear!: number | null;
}

export class HacChowDto {
  @Int() point!: number;
  @Num('mean after minus mean before') shift!: number;
  @Num('Newey-West') se!: number;
  @Num() t!: number;
  @Int() lag!: number;
  @Num() p!: number;
}

export class ChowDto {
  @Day('the break date') date!: string;
  @Int('observations before the date') point!: number;
  @Num() f!: number;
  @Int() df1!: number;
  @Int() df2!: number;
  @Num() p!: number;
  @One(() => HacChowDto) hac!: HacChowDto;
}

export class ChowInsufficientDto extends InsufficientDto {
  @Day() date!: string;
}

export class TrendBreakDto {
  @Day('the candidate date') date!: string;
  @Int('observations before the date') point!: number;
  @Num('the trend before the date, per year') slopeBefore!: number;
  @Num('the change of the trend at the date, per year (the tested coefficient)')
  slopeChange!: number;
  @Num('the jump in level at the date') levelShift!: number;
  @Num('Newey-West standard error of slopeChange') se!: number;
  @Num() t!: number;
  @Num('two-sided, t with n − 4 df') p!: number;
  @Int() lag!: number;
}

export class RegimeDto {
  @Day() from!: string;
  @Day() to!: string;
  @Num() mean!: number;
}

export class BreakBicDto {
  @Int() breaks!: number;
  @Num() rss!: number;
  @Num() bic!: number;
}

export class BaiPerronDto {
  @Num() trim!: number;
  @Int() minimumSegment!: number;
  @Strs('the last date of each regime but the last') breakDates!: string[];
  @Many(() => RegimeDto) regimes!: RegimeDto[];
  @Many(() => BreakBicDto) bic!: BreakBicDto[];
}

export class TrendReportDto {
  @Str() commodity!: string;
  @Str() measure!: string;
  @Strs() markets!: string[];
  @Bool() balanced!: boolean;
  @Int('dates in the dispersion series') observations!: number;
  @Day(undefined, { nullable: true }) firstDate!: string | null;
  @Day(undefined, { nullable: true }) lastDate!: string | null;
  @One(() => MannKendallDto, 'absent with insufficientData', { optional: true })
  mannKendall?: MannKendallDto;
  @ManyOneOf([() => ChowDto, () => ChowInsufficientDto], 'absent with insufficientData', {
    optional: true,
  })
  chow?: (ChowDto | ChowInsufficientDto)[];
  @ManyOneOf(
    [() => TrendBreakDto, () => ChowInsufficientDto],
    'a break in the trend at each candidate date (segmented trend, HAC): absent with insufficientData',
    { optional: true },
  )
  trendBreaks?: (TrendBreakDto | ChowInsufficientDto)[];
  @One(() => BaiPerronDto, 'absent with insufficientData', { optional: true, nullable: true })
  baiPerron?: BaiPerronDto | null;
  @Bool('present when there are too few dates', { optional: true }) insufficientData?: true;
  @Int(undefined, { optional: true }) required?: number;
  @Str(undefined, { optional: true }) message?: string;
}

export class BetaReportDto {
  @Str() commodity!: string;
  @Strs() markets!: string[];
  @Int('dates with every market observed') dates!: number;
  @Int('regression observations', { optional: true }) n?: number;
  @Num(undefined, { optional: true }) alpha?: number;
  @Num(undefined, { optional: true }) beta?: number;
  @Num(undefined, { optional: true }) betaSe?: number;
  @Num(undefined, { optional: true }) betaP?: number;
  @Num('clustered by date (the deviations sum to zero on each date): the one to read', {
    optional: true,
  })
  betaSeClustered?: number;
  @Num('t with clusters − 1 df', { optional: true }) betaPClustered?: number;
  @Int('dates (clusters)', { optional: true }) clusters?: number;
  @Bool('present when there are too few dates', { optional: true }) insufficientData?: true;
  @Int(undefined, { optional: true }) observations?: number;
  @Int(undefined, { optional: true }) required?: number;
  @Str(undefined, { optional: true }) message?: string;
}

export class BorderWindowDto {
  @Day() from!: string;
  @Day() to!: string;
  @Str(undefined, { optional: true }) name?: string;
}

export class RegressionSpecificationDto {
  @Str() dependent!: string;
  @Str() coverage!: string;
  @Strs('border, distance') controls!: string[];
  @Strs('pair, month, date') fixedEffects!: string[];
  @Str() standardErrors!: string;
  @Str() bootstrap!: string;
  @One(() => BorderWindowDto, 'with the border control', { optional: true })
  borderWindow?: BorderWindowDto;
}

export class CoefficientDto {
  @Str() name!: string;
  @Num() estimate!: number;
  @Num() se!: number;
  @Num() t!: number;
  @Num() p!: number;
  @Nums('95 % interval: estimate ± t(0.975, dfForTests) · se, with the same errors as the test')
  ci95!: [number, number];
}

export class DroppedRegressorDto {
  @Str() name!: string;
  @Str() reason!: string;
}

export class WildBootstrapDto {
  @Num() coefficient!: number;
  @Num() t!: number;
  @Num() p!: number;
  @Int() replications!: number;
  @Str(undefined, { enum: ['webb', 'rademacher'] }) weights!: string;
  @Bool('every weight vector evaluated once: exact') enumerated!: boolean;
  @Int() seed!: number;
  @Str('the null hypothesis imposed') null!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'number', nullable: true },
    nullable: true,
    description:
      'the 95 % wild-bootstrap interval of the coefficient by test inversion (the values the bootstrap test does not reject at 5 %); a null bound is unbounded; null when not computed (see ci95Note)',
  })
  ci95!: (number | null)[] | null;
  @Str('how ci95 was made, or why it was not') ci95Note!: string;
}

export class CoverageEffectAtDto {
  @Num() distanceKm!: number;
  @Num() estimate!: number;
  @Num() se!: number;
  @Num() t!: number;
  @Num() p!: number;
}

export class PairCoverageEffectDto extends CoverageEffectAtDto {
  @Str() pair!: string;
}

export class CoverageEffectByDistanceDto {
  @One(() => CoverageEffectAtDto) atMeanDistance!: CoverageEffectAtDto;
  @Many(() => PairCoverageEffectDto) byPair!: PairCoverageEffectDto[];
}

export class DesignFactsDto {
  @Int('pairs whose coverage is not constant over their dates') switchingPairs!: number;
  @Day('0/1 coverage: the earliest date a pair switches', { nullable: true })
  firstSwitch!: string | null;
  @Day('0/1 coverage: the latest date a pair switches', { nullable: true })
  lastSwitch!: string | null;
  @Num('mean coverage on the first date') coverageAtStart!: number;
  @Num('mean coverage on the last date') coverageAtEnd!: number;
  @Num('mean |ln p_i − ln p_j| over every row') meanGap!: number;
}

export class NotIdentifiedDto {
  @Bool('always true: the design cannot identify the coverage coefficient, and no number is given')
  notIdentified!: true;
  @Str(
    'why not (no variation within the fixed effects, fewer than 2 varying clusters, collinear regressors, a degenerate standard error)',
  )
  reason!: string;
  @Int() n!: number;
  @Int() pairs!: number;
  @Int() dates!: number;
  @Strs() fe!: string[];
  @One(() => DesignFactsDto) design!: DesignFactsDto;
}

export class PairRegressionResultDto {
  @Int() n!: number;
  @Int() pairs!: number;
  @Int() dates!: number;
  @Strs() fe!: string[];
  @Str(undefined, { enum: ['cluster', 'driscoll-kraay'] }) se!: string;
  @Int() dfForTests!: number;
  @Many(() => CoefficientDto) coefficients!: CoefficientDto[];
  @Many(() => DroppedRegressorDto) dropped!: DroppedRegressorDto[];
  @One(() => WildBootstrapDto, undefined, { nullable: true }) bootstrap!: WildBootstrapDto | null;
  @One(() => CoverageEffectByDistanceDto, 'with the distance control', { nullable: true })
  coverageEffectByDistance!: CoverageEffectByDistanceDto | null;
  @One(() => DesignFactsDto) design!: DesignFactsDto;
}

export class PairRegressionDto {
  @Str() commodity!: string;
  @One(() => RegressionSpecificationDto) specification!: RegressionSpecificationDto;
  @Int('pair-dates without a coverage value, left out') rowsWithoutCoverageValue!: number;
  @Strs('with coverage=towers', { optional: true }) towerSources?: string[];
  @OneOf([() => PairRegressionResultDto, () => NotIdentifiedDto, () => InsufficientDto])
  result!: PairRegressionResultDto | NotIdentifiedDto | InsufficientDto;
}

export class PairRegressionReportDto extends PairRegressionDto {
  @One(() => PairRegressionDto, 'the same specification on the USD rate', { nullable: true })
  placebo!: PairRegressionDto | null;
}

export class NetworkMethodDto {
  @Int() grangerMaxLag!: number;
  @Str() lagSelection!: string;
  @Num() significance!: number;
  @Int() minimumObservations!: number;
}

export class GrangerDto {
  @Int() lags!: number;
  @Num() f!: number;
  @Int() df1!: number;
  @Int() df2!: number;
  @Num() p!: number;
  @Int() n!: number;
  @Num('Holm-adjusted over the network', { nullable: true }) pHolm!: number | null;
}

export class GrangerPairDto {
  @One(() => GrangerDto) aToB!: GrangerDto;
  @One(() => GrangerDto) bToA!: GrangerDto;
}

export class NetworkEdgeDto {
  @Str() a!: string;
  @Str() b!: string;
  @Int() observations!: number;
  @Num(undefined, { nullable: true }) distanceKm!: number | null;
  @Num('of Δ ln p between consecutive common dates', { nullable: true })
  correlation!: number | null;
  @OneOf([() => HalfLifeDto, () => InsufficientDto]) halfLife!: HalfLifeDto | InsufficientDto;
  @OneOf([() => GrangerPairDto, () => InsufficientDto]) granger!: GrangerPairDto | InsufficientDto;
  @Str('the market whose changes precede the other’s', { nullable: true }) leader!: string | null;
}

export class NetworkNodeDto {
  @Str() market!: string;
  @Int() leads!: number;
  @Int() ledBy!: number;
}

export class NetworkReportDto {
  @Str() commodity!: string;
  @Day(undefined, { nullable: true }) from!: string | null;
  @Day(undefined, { nullable: true }) to!: string | null;
  @One(() => NetworkMethodDto) method!: NetworkMethodDto;
  @Many(() => NetworkEdgeDto) edges!: NetworkEdgeDto[];
  @Many(() => NetworkNodeDto) nodes!: NetworkNodeDto[];
}

export class PairFeedDto {
  @Str('a-b (ids may contain hyphens: read a and b)') pair!: string;
  @Str('the first market id (a < b)') a!: string;
  @Str('the second market id') b!: string;
  @Int() dates!: number;
  @Day() from!: string;
  @Day() to!: string;
  @MapOf('integer', 'dates fed by each source') sources!: Record<string, number>;
}

export class CreditDto {
  @Str() source!: string;
  @Str() credit!: string;
}

export class ReportDataDto {
  @Int() observations!: number;
  @Strs() markets!: string[];
  @MapOf(
    'string',
    "each market id's display name (the file's name, with admin1 where two share one)",
  )
  marketNames!: Record<string, string>;
  @Strs() sources!: string[];
  @Int() dates!: number;
  @Day(undefined, { nullable: true }) from!: string | null;
  @Day(undefined, { nullable: true }) to!: string | null;
  @Many(() => PairFeedDto) pairs!: PairFeedDto[];
  @Many(() => CreditDto) credits!: CreditDto[];
}

export class SigmaConvergenceDto {
  @One(() => TrendReportDto) cv!: TrendReportDto;
  @One(() => TrendReportDto) meanAbsLogDiff!: TrendReportDto;
}

export class PlaceboRegressionsDto {
  @One(() => PairRegressionDto, undefined, { nullable: true }) national!: PairRegressionDto | null;
  @One(() => PairRegressionDto, undefined, { nullable: true }) towers!: PairRegressionDto | null;
}

export class DifferenceDto {
  @Num() estimate!: number;
  @Num('clustered by market pair') se!: number;
  @Num() t!: number;
  @Num('t with clusters − 1 df') p!: number;
  @Nums('estimate ± t(0.975, clusters − 1) · se') ci95!: [number, number];
}

export class DifferenceBootstrapDto {
  @Num() p!: number;
  @Int() replications!: number;
  @Bool() enumerated!: boolean;
  @Str(undefined, { enum: ['webb', 'rademacher'] }) weights!: string;
  @Int() seed!: number;
}

export class PlaceboDifferenceDto {
  @Int('rows of both series') n!: number;
  @Int('market pairs (both series of a pair in one cluster)') clusters!: number;
  @Strs() fe!: string[];
  @One(() => DifferenceDto, "the commodity's coverage coefficient minus the placebo's")
  difference!: DifferenceDto;
  @Num("the commodity's coverage coefficient in the stacked model") commodityEffect!: number;
  @Num("the placebo's") placeboEffect!: number;
  @Num('with the distance control: the distance both effects are at', { nullable: true })
  atDistanceKm!: number | null;
  @Int() dfForTests!: number;
  @One(() => DifferenceBootstrapDto, 'wild cluster bootstrap of the difference, null imposed', {
    nullable: true,
  })
  bootstrap!: DifferenceBootstrapDto | null;
}

export class PlaceboDifferencesDto {
  @OneOf([() => PlaceboDifferenceDto, () => NotIdentifiedDto, () => InsufficientDto], undefined, {
    nullable: true,
  })
  national!: PlaceboDifferenceDto | NotIdentifiedDto | InsufficientDto | null;
  @OneOf([() => PlaceboDifferenceDto, () => NotIdentifiedDto, () => InsufficientDto], undefined, {
    nullable: true,
  })
  towers!: PlaceboDifferenceDto | NotIdentifiedDto | InsufficientDto | null;
}

export class ReportRegressionsDto extends PlaceboRegressionsDto {
  @One(() => PlaceboRegressionsDto) placebo!: PlaceboRegressionsDto;
  @One(
    () => PlaceboDifferencesDto,
    "the commodity's coefficient minus the placebo's, tested in one stacked regression (commodity × coverage; each series its own fixed effects and slopes; clustered by market pair; wild cluster bootstrap); null where no placebo series or design",
  )
  placeboDifference!: PlaceboDifferencesDto;
}

export class ReportPeriodDto {
  @Day('as asked (from=)', { nullable: true }) from!: string | null;
  @Day('as asked (to=)', { nullable: true }) to!: string | null;
}

export class ConvergenceReportDto {
  @Str() commodity!: string;
  @One(() => ReportDataDto) data!: ReportDataDto;
  @Str() country!: string;
  @Str(undefined, { nullable: true }) unit!: string | null;
  @Str(undefined, { nullable: true }) priceType!: string | null;
  @Str("the series' currency", { nullable: true }) currency!: string | null;
  @Str('the unit with its currency, e.g. KES/kg', { nullable: true }) unitLabel!: string | null;
  @One(() => ReportPeriodDto) period!: ReportPeriodDto;
  @Str("the placebo series' commodity (null: none, with the reason in summary)", {
    nullable: true,
  })
  placeboSeries!: string | null;
  @Str() settings!: string;
  @Strs('sentences written from the computed statistics') summary!: string[];
  @Strs() caveats!: string[];
  @Int('hypothesis tests whose p-values the summary shows') testsReported!: number;
  @Bool() syntheticTowers!: boolean;
  @One(() => SigmaConvergenceDto) sigmaConvergence!: SigmaConvergenceDto;
  @One(() => BetaReportDto) betaConvergence!: BetaReportDto;
  @One(() => HalfLivesReportDto) halfLives!: HalfLivesReportDto;
  @One(() => ReportRegressionsDto) pairRegression!: ReportRegressionsDto;
  @One(() => NetworkReportDto) network!: NetworkReportDto;
}
