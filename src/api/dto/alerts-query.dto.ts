import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { CommodityDto } from './analysis-query.dto';
import { ID_PATTERN } from './validators';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$/;

export class AlertsQueryDto extends CommodityDto {
  @ApiPropertyOptional({
    description:
      'Assess as of this month (YYYY-MM, or a date in it): every market is judged on its months up to it (default: the series’ last month)',
    example: '2019-06',
  })
  @IsOptional()
  @Matches(MONTH, { message: 'asOf must be a month written YYYY-MM (or a date YYYY-MM-DD)' })
  asOf?: string;

  @ApiPropertyOptional({
    enum: ['json', 'csv', 'ndjson'],
    description: 'csv or ndjson: one row per market, with the credit of the sources',
  })
  @IsOptional()
  @IsIn(['json', 'csv', 'ndjson'])
  format?: 'json' | 'csv' | 'ndjson';
}

export class AlertsHistoryQueryDto extends CommodityDto {
  @ApiProperty({ description: 'Market id (see /api/markets)', example: 'hyesan' })
  @Matches(ID_PATTERN, { message: 'market must be a market id such as hyesan' })
  market!: string;

  @ApiPropertyOptional({
    description: 'The fit as of this month (YYYY-MM): the months up to it (default: the last)',
  })
  @IsOptional()
  @Matches(MONTH, { message: 'asOf must be a month written YYYY-MM (or a date YYYY-MM-DD)' })
  asOf?: string;
}
