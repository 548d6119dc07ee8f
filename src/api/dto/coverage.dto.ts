import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { Transform } from 'class-transformer';
import { TOWER_FILE_FORMATS, TowerFileFormat } from '../../coverage/tower-file.parser';
import { COUNTRY_PATTERN, IsCountryCode, IsIsoDay, ToUpper } from './validators';
import { CountryQueryDto } from './validators';

const toNumber = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value,
  );

export class NationalCoverageQueryDto extends CountryQueryDto {
  @ApiPropertyOptional({ description: 'First date of the grid, YYYY-MM-DD (default 2008-01-01)' })
  @IsOptional()
  @IsIsoDay()
  from?: string;

  @ApiPropertyOptional({
    description: 'Last date of the grid, YYYY-MM-DD (default: the end of the current year)',
  })
  @IsOptional()
  @IsIsoDay()
  to?: string;

  @ApiPropertyOptional({
    enum: ['day', 'month', 'year'],
    description:
      'Grid step: every day, the last day of each month, or December 31 of each year (default month)',
  })
  @IsOptional()
  @IsIn(['day', 'month', 'year'])
  interval?: 'day' | 'month' | 'year';
}

export class MarketsCoverageQueryDto {
  @ApiPropertyOptional({ description: 'The date, YYYY-MM-DD (default today)' })
  @IsOptional()
  @IsIsoDay()
  date?: string;

  @IsCountryCode(
    ". Without it every country: markets, pairs and tower sources of all countries (a market is reached by its own country's towers only).",
  )
  country?: string;
}

export class AreaQueryDto {
  @ApiPropertyOptional({
    description:
      'Radius of the circle around the market, km (default COVERAGE_AREA_RADIUS_KM, 10; at most 50: larger areas as a polygon to POST /api/coverage/area-share)',
  })
  @IsOptional()
  @toNumber()
  @IsNumber({}, { message: 'radiusKm must be a number' })
  @Min(0.1)
  @Max(50, {
    message:
      'radiusKm: at most 50 km (for a larger area, POST its polygon to /api/coverage/area-share)',
  })
  radiusKm?: number;
}

export class TowersQueryDto {
  @ApiPropertyOptional({ description: 'Only towers of this registry source' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, {
    message: 'source must be a tower source name such as synthetic-sample',
  })
  source?: string;

  @ApiPropertyOptional({
    description:
      'Only towers of this country (ISO 3166-1 alpha-3, e.g. PRK); all countries when absent',
    example: 'PRK',
  })
  @IsOptional()
  @ToUpper()
  @Matches(COUNTRY_PATTERN, { message: 'country must be an ISO 3166-1 alpha-3 code such as PRK' })
  country?: string;
}

export class TowerImportQueryDto {
  @ApiPropertyOptional({
    enum: TOWER_FILE_FORMATS,
    description:
      "opencellid (CSV; each row assigned to its MCC's country), csv (lat, lon, first_seen[, id, last_seen, confidence, radio]) or geojson (Point features); without it, recognised from the file's first lines (a 400 when they are none of these)",
  })
  @IsOptional()
  @IsIn(TOWER_FILE_FORMATS)
  format?: TowerFileFormat;

  @ApiPropertyOptional({
    description: 'Name of the registry, e.g. opencellid-2024 or imagery-2022',
  })
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, {
    message: 'source must be 1-64 lower-case letters, digits, dots, dashes or underscores',
  })
  source!: string;

  @ApiPropertyOptional({
    description:
      "The towers' country (ISO 3166-1 alpha-3). opencellid: every row's MCC must be one of its networks' (without it, each row goes to its MCC's country; an MCC several countries share needs it). csv and geojson: the survey's country (default PRK).",
    example: 'KEN',
  })
  @IsOptional()
  @ToUpper()
  @Matches(COUNTRY_PATTERN, { message: 'country must be an ISO 3166-1 alpha-3 code such as KEN' })
  country?: string;

  @ApiPropertyOptional({
    description: 'The file name, for the import ledger (default: api upload)',
  })
  @IsOptional()
  @MaxLength(200)
  @Matches(/^[\w.-]+$/, { message: 'fileName must be a plain file name' })
  fileName?: string;
}
