import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsOptional, Matches } from 'class-validator';
import { CommaList, ID_PATTERN, IsIsoDay, ToBoolean } from './validators';

export class DispersionQueryDto {
  @ApiProperty({ description: 'Commodity id (see /api/commodities)', example: 'rice' })
  @Matches(ID_PATTERN, { message: 'commodity must be a commodity id such as rice' })
  commodity!: string;

  @ApiPropertyOptional({ description: 'First survey date included, YYYY-MM-DD' })
  @IsOptional()
  @IsIsoDay()
  from?: string;

  @ApiPropertyOptional({ description: 'Last survey date included, YYYY-MM-DD' })
  @IsOptional()
  @IsIsoDay()
  to?: string;

  @ApiPropertyOptional({
    description: 'Comma-separated market ids (default: every market with data)',
    example: 'pyongyang,sinuiju,hyesan',
  })
  @IsOptional()
  @CommaList()
  @ArrayMinSize(2, { message: 'markets must name at least two markets' })
  @ArrayMaxSize(100)
  @Matches(ID_PATTERN, { each: true, message: 'markets must be market ids such as pyongyang' })
  markets?: string[];

  @ApiPropertyOptional({
    description:
      'Use only this source (default: per market and date, the preferred source that has a value)',
  })
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'source must be a source id such as dailynk-sheet' })
  source?: string;

  @ApiPropertyOptional({
    description: 'true: only dates on which every requested market was observed (a balanced panel)',
    default: false,
  })
  @IsOptional()
  @ToBoolean()
  @IsBoolean({ message: 'balanced must be true or false' })
  balanced?: boolean;
}
