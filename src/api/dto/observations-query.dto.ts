import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Max,
  Min,
} from 'class-validator';
import {
  CommaList,
  ID_PATTERN,
  IsCountryCode,
  IsIsoDay,
  PRICE_TYPE_PATTERN,
  ToInt,
} from './validators';
import { CommodityRangeDto } from './analysis-query.dto';

export const MAX_PAGE_SIZE = 5000;
export const DEFAULT_PAGE_SIZE = 500;

export class ObservationsQueryDto {
  @ApiPropertyOptional({
    description:
      'Commodity id or comma-separated ids (see /api/commodities), e.g. rice or rice,usd',
    example: 'rice',
  })
  @IsOptional()
  @CommaList()
  @ArrayMaxSize(50)
  @Matches(ID_PATTERN, { each: true, message: 'commodity must be commodity ids such as rice' })
  commodity?: string[];

  @ApiPropertyOptional({
    description: 'Market id or comma-separated ids (see /api/markets)',
    example: 'pyongyang',
  })
  @IsOptional()
  @CommaList()
  @ArrayMaxSize(100)
  @Matches(ID_PATTERN, { each: true, message: 'market must be market ids such as pyongyang' })
  market?: string[];

  @ApiPropertyOptional({
    description: 'Source id or comma-separated ids (see /api/sources)',
    example: 'dailynk-sheet',
  })
  @IsOptional()
  @CommaList()
  @ArrayMaxSize(20)
  @Matches(ID_PATTERN, { each: true, message: 'source must be source ids such as dailynk-sheet' })
  source?: string[];

  @ApiPropertyOptional({
    description: 'First survey date included, YYYY-MM-DD',
    example: '2010-01-01',
  })
  @IsOptional()
  @IsIsoDay()
  from?: string;

  @ApiPropertyOptional({
    description: 'Last survey date included, YYYY-MM-DD',
    example: '2019-12-31',
  })
  @IsOptional()
  @IsIsoDay()
  to?: string;

  @ApiPropertyOptional({
    description: `Rows per page (JSON), default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}. For CSV: the total number of rows to export (default: all).`,
    minimum: 1,
  })
  @IsOptional()
  @ToInt()
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(1_000_000)
  limit?: number;

  @IsCountryCode()
  country?: string;

  @ApiPropertyOptional({
    description: 'Comma-separated units as published (e.g. KPW/kg, KG, 90 KG)',
  })
  @IsOptional()
  @CommaList()
  @ArrayMaxSize(20)
  @MaxLength(40, { each: true, message: 'unit must be at most 40 characters' })
  unit?: string[];

  @ApiPropertyOptional({
    description: 'Comma-separated price types (retail, wholesale, farmgate, ...)',
  })
  @IsOptional()
  @CommaList()
  @ArrayMaxSize(20)
  @Matches(PRICE_TYPE_PATTERN, { each: true, message: 'priceType must be words such as retail' })
  priceType?: string[];

  @ApiPropertyOptional({
    description:
      'Comma-separated ISO 4217 codes (a series in one currency: the same unit in two currencies is two series)',
    example: 'USD',
  })
  @IsOptional()
  @CommaList()
  @Matches(/^[A-Z]{3}$/, { each: true, message: 'currency must be ISO 4217 codes such as USD' })
  currency?: string[];

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;

  @ApiPropertyOptional({
    enum: ['json', 'csv', 'ndjson'],
    description:
      'json (default: one page), csv or ndjson (every matching row, streamed); Accept: text/csv or application/x-ndjson also selects them',
  })
  @IsOptional()
  @IsIn(['json', 'csv', 'ndjson'], { message: 'format must be one of json, csv, ndjson' })
  format?: 'json' | 'csv' | 'ndjson';
}

// One commodity series as a table of dates by markets.
export class WideQueryDto extends CommodityRangeDto {
  @ApiPropertyOptional({
    description:
      'Use only this source (default: per market and date, the preferred source that has a value, as the analysis does)',
  })
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'source must be a source id such as dailynk-sheet' })
  source?: string;
}
