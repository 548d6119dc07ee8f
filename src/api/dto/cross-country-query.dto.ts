import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { CROSS_COUNTRY_DEFAULTS } from '../../analysis/cross-country/cross-country.service';
import { CommaList, COUNTRY_PATTERN, IsIsoDay, ToInt } from './validators';

const upperEach = () =>
  Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((v) => String(v).toUpperCase()) : value,
  );

export class CrossCountryQueryDto {
  @ApiPropertyOptional({
    description:
      'Comma-separated ISO 3166-1 alpha-3 codes (default: every country with prices); a country without prices of the commodities is a 400',
    example: 'BGD,PRK',
  })
  @IsOptional()
  @CommaList()
  @upperEach()
  @ArrayNotEmpty({ message: 'countries: the list is empty (leave it out for every country)' })
  @Matches(COUNTRY_PATTERN, {
    each: true,
    message: 'countries must be ISO 3166-1 alpha-3 codes such as PRK',
  })
  countries?: string[];

  @ApiPropertyOptional({
    description:
      'Comma-separated commodity ids, names or groups: a category (food, fuel, currency, other) or a word of the file’s own category (cereals for "cereals and tubers"). Default: every commodity but exchange rates',
    example: 'cereals',
  })
  @IsOptional()
  @CommaList()
  @ArrayNotEmpty({ message: 'commodities: the list is empty (leave it out for every commodity)' })
  commodities?: string[];

  @ApiPropertyOptional({ description: 'First survey date, YYYY-MM-DD' })
  @IsOptional()
  @IsIsoDay()
  from?: string;

  @ApiPropertyOptional({ description: 'Last survey date, YYYY-MM-DD' })
  @IsOptional()
  @IsIsoDay()
  to?: string;

  @ApiPropertyOptional({
    description: `A series enters when at least this many markets have a price in at least minMonths months (default ${CROSS_COUNTRY_DEFAULTS.minMarkets}, at least 2)`,
  })
  @IsOptional()
  @ToInt()
  @IsInt({ message: 'minMarkets must be a whole number' })
  @Min(2)
  @Max(10_000)
  minMarkets?: number;

  @ApiPropertyOptional({
    description: `See minMarkets (default ${CROSS_COUNTRY_DEFAULTS.minMonths} months, at least 2)`,
  })
  @IsOptional()
  @ToInt()
  @IsInt({ message: 'minMonths must be a whole number' })
  @Min(2)
  @Max(10_000)
  minMonths?: number;

  @ApiPropertyOptional({
    enum: ['meanAbsLogDiff', 'cv'],
    description:
      'The dispersion D: meanAbsLogDiff (mean over market pairs of |ln p_i − ln p_j|, default) or cv (population σ / mean)',
  })
  @IsOptional()
  @IsIn(['meanAbsLogDiff', 'cv'])
  measure?: 'meanAbsLogDiff' | 'cv';

  @ApiPropertyOptional({
    description: `Wild cluster bootstrap replications by country, 0 for none (default ${CROSS_COUNTRY_DEFAULTS.bootstrap}, at most 99,999; every weight vector is used when there are fewer)`,
  })
  @IsOptional()
  @ToInt()
  @IsInt({ message: 'bootstrap must be a whole number' })
  @Min(0)
  @Max(99_999)
  bootstrap?: number;

  @ApiPropertyOptional({
    description: `Seed of the bootstrap (default ${CROSS_COUNTRY_DEFAULTS.seed})`,
  })
  @IsOptional()
  @ToInt()
  @IsInt({ message: 'seed must be a whole number' })
  seed?: number;

  @ApiPropertyOptional({
    description: `Subscriptions per 100 that date a country's adoption of phones, for the staggered-adoption estimates (default ${CROSS_COUNTRY_DEFAULTS.threshold}; above 0, at most 200)`,
  })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'threshold must be a number' })
  @IsPositive({ message: 'threshold must be above 0' })
  @Max(200)
  threshold?: number;

  @ApiPropertyOptional({
    enum: ['json', 'csv'],
    description:
      'csv: the panel, one row per (country, series, month), with the credit column; json (default): the estimates and the report',
  })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}
