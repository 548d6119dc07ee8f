import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  MaxLength,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
} from 'class-validator';
import {
  CommaList,
  ID_PATTERN,
  IsCountryCode,
  IsIsoDay,
  PRICE_TYPE_PATTERN,
  ToBoolean,
  ToInt,
} from './validators';
import { DISPERSION_MEASURES } from '../../analysis/dispersion';

const PERIOD = /^\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}$/;

export class CommodityDto {
  @ApiProperty({ description: 'Commodity id (see /api/commodities)', example: 'rice' })
  @Matches(ID_PATTERN, { message: 'commodity must be a commodity id such as rice' })
  commodity!: string;

  @IsCountryCode('. Analysis never mixes countries.')
  country?: string;

  @ApiPropertyOptional({
    description:
      'The unit as published (e.g. KPW/kg, KG, 90 KG): needed when the commodity has several in the country (the 400 lists them)',
  })
  @IsOptional()
  @MaxLength(40, { message: 'unit must be at most 40 characters' })
  unit?: string;

  @ApiPropertyOptional({
    description:
      'retail, wholesale, farmgate, ...: needed when the commodity has several in the country (the 400 lists them)',
  })
  @IsOptional()
  @Matches(PRICE_TYPE_PATTERN, { message: 'priceType must be a word such as retail or wholesale' })
  priceType?: string;

  @ApiPropertyOptional({
    description:
      'ISO 4217 code (NIO, USD, ...): needed when the commodity has the same unit and price type in several currencies in the country, which are separate series (the 400 lists them)',
  })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as USD' })
  currency?: string;
}

export class CommodityMarketsDto extends CommodityDto {
  @ApiPropertyOptional({
    description:
      'Comma-separated market ids (default: every city with data; regional averages only when named)',
  })
  @IsOptional()
  @CommaList()
  @ArrayMinSize(2, { message: 'markets must name at least two markets' })
  @ArrayMaxSize(100)
  @ArrayUnique({ message: 'markets must not name a market twice' })
  @Matches(ID_PATTERN, { each: true, message: 'markets must be market ids such as pyongyang' })
  markets?: string[];
}

export class CommodityRangeDto extends CommodityMarketsDto {
  @ApiPropertyOptional({ description: 'First survey date included, YYYY-MM-DD' })
  @IsOptional()
  @IsIsoDay()
  from?: string;

  @ApiPropertyOptional({ description: 'Last survey date included, YYYY-MM-DD' })
  @IsOptional()
  @IsIsoDay()
  to?: string;
}

export class HalfLivesQueryDto extends CommodityRangeDto {
  @ApiPropertyOptional({
    description:
      'Comma-separated periods FROM..TO (YYYY-MM-DD..YYYY-MM-DD); default: the whole history',
    example: '2010-01-01..2019-12-31,2020-01-01..2026-12-31',
  })
  @IsOptional()
  @CommaList()
  @ArrayMaxSize(20)
  @Matches(PERIOD, {
    each: true,
    message: 'periods must be FROM..TO date pairs such as 2010-01-01..2019-12-31',
  })
  periods?: string[];

  @ApiPropertyOptional({
    description: 'Add the ADF test (drift, lags by AIC up to 4) of each pair differential',
    default: false,
  })
  @IsOptional()
  @ToBoolean()
  @IsBoolean({ message: 'adf must be true or false' })
  adf?: boolean;
}

export class TrendQueryDto extends CommodityRangeDto {
  @ApiPropertyOptional({
    enum: DISPERSION_MEASURES,
    description: 'Dispersion measure (default cv)',
  })
  @IsOptional()
  @IsIn(DISPERSION_MEASURES)
  measure?: (typeof DISPERSION_MEASURES)[number];

  @ApiPropertyOptional({
    description:
      'Comma-separated candidate break dates for Chow tests (default 2013-05-01,2020-01-22)',
  })
  @IsOptional()
  @CommaList()
  @ArrayMaxSize(20)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { each: true, message: 'breaks must be dates YYYY-MM-DD' })
  breaks?: string[];

  @ApiPropertyOptional({
    description: 'Only dates on which every market was observed',
    default: false,
  })
  @IsOptional()
  @ToBoolean()
  @IsBoolean({ message: 'balanced must be true or false' })
  balanced?: boolean;
}

export class BetaQueryDto extends CommodityRangeDto {}

export class NetworkQueryDto extends CommodityRangeDto {}

export class PairRegressionQueryDto extends CommodityRangeDto {
  @ApiPropertyOptional({
    enum: ['national', 'towers'],
    description:
      'national: ITU subscriptions per 100 at the survey date; towers: 1 when both markets are covered (default national)',
  })
  @IsOptional()
  @IsIn(['national', 'towers'])
  coverage?: 'national' | 'towers';

  @ApiPropertyOptional({
    description:
      'Comma-separated controls: border (closure dummy 2020-01-22..2023-08-31), distance (distance/100 km × coverage)',
    example: 'border,distance',
  })
  @IsOptional()
  @CommaList()
  @IsIn(['border', 'distance'], { each: true, message: 'controls must be border and/or distance' })
  controls?: ('border' | 'distance')[];

  @ApiPropertyOptional({
    description: 'Fixed effects: pair, plus month and/or date (default pair)',
    example: 'pair,month',
  })
  @IsOptional()
  @CommaList()
  @IsIn(['pair', 'month', 'date'], { each: true, message: 'fe must be pair, month and/or date' })
  fe?: ('pair' | 'month' | 'date')[];

  @ApiPropertyOptional({
    enum: ['cluster', 'driscoll-kraay'],
    description: 'Standard errors (default cluster, by pair)',
  })
  @IsOptional()
  @IsIn(['cluster', 'driscoll-kraay'])
  se?: 'cluster' | 'driscoll-kraay';

  @ApiPropertyOptional({
    description: 'Wild cluster bootstrap replications, 0 for none (default 999, at most 99,999)',
  })
  @IsOptional()
  @ToInt()
  @IsInt({ message: 'bootstrap must be a whole number' })
  @Min(0)
  @Max(99_999)
  bootstrap?: number;

  @ApiPropertyOptional({ description: 'Seed of the bootstrap (default 20100101)' })
  @IsOptional()
  @ToInt()
  @IsInt({ message: 'seed must be a whole number' })
  seed?: number;
}

export class ConvergenceQueryDto extends CommodityRangeDto {
  @ApiPropertyOptional({ description: 'Wild cluster bootstrap replications (default 999)' })
  @IsOptional()
  @ToInt()
  @IsInt({ message: 'bootstrap must be a whole number' })
  @Min(0)
  @Max(99_999)
  bootstrap?: number;
}

export const parsePeriods = (periods: string[]) =>
  periods.map((p) => ({ from: p.slice(0, 10), to: p.slice(12) }));
