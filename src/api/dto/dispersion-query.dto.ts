import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, Matches } from 'class-validator';
import { CommodityRangeDto } from './analysis-query.dto';
import { ID_PATTERN, ToBoolean } from './validators';

export class DispersionQueryDto extends CommodityRangeDto {
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
