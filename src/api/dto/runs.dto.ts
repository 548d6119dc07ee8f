import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ID_PATTERN, IsIsoDay, SOURCE_ID_PATTERN, ToInt } from './validators';

export class RunsQueryDto {
  @ApiPropertyOptional({
    description: 'Only runs of this source (a tower registry: towers:<name>)',
    example: 'dailynk-sheet',
  })
  @IsOptional()
  @Matches(SOURCE_ID_PATTERN, {
    message: 'source must be a source id such as dailynk-sheet or towers:opencellid-2024',
  })
  source?: string;

  @ApiPropertyOptional({
    description: 'At most this many runs, newest first (default 50, at most 1000)',
  })
  @IsOptional()
  @ToInt()
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class StartRunDto {
  @ApiProperty({ description: 'Source id', example: 'dailynk-sheet' })
  @Matches(ID_PATTERN, { message: 'source must be a source id such as dailynk-sheet' })
  source!: string;

  @ApiPropertyOptional({
    enum: ['live', 'archive', 'replay'],
    description: 'live: fetch now; archive: load the snapshot shipped with the project',
    default: 'live',
  })
  @IsOptional()
  @IsIn(['live', 'archive', 'replay'])
  mode?: 'live' | 'archive' | 'replay';

  @ApiPropertyOptional({
    description: 'With mode replay: only snapshots fetched on or after this date, YYYY-MM-DD',
  })
  @IsOptional()
  @IsIsoDay()
  since?: string;
}
