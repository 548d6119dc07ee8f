import { Transform } from 'node:stream';
import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ImportRunner } from '../ingestion/import-runner.service';
import { FILE_IMPORTERS, PRICE_FILE_IMPORTERS } from '../sources/importer-registry';
import { parseColumnMap } from '../sources/shared/column-map';
import { AdminTokenGuard, triggerOf } from './admin-token.guard';
import { PrismaService } from '../database/prisma.service';
import { COUNTRY_PATTERN, ToUpper } from './dto/validators';
import { TowerImportQueryDto } from './dto/coverage.dto';
import { TowerImportReportDto } from './dto/responses/coverage.responses';
import { importTowerUpload, TOWER_BODY, TOWER_IMPORT_DESCRIPTION } from './tower-upload';
import {
  FileImportReportDto,
  SubscriptionImportReportDto,
} from './dto/responses/imports.responses';

export class SubscriptionImportQueryDto {
  @ApiPropertyOptional({ description: 'The file name, for the provenance' })
  @IsOptional()
  @MaxLength(200)
  @Matches(/^[\w.-]+$/, { message: 'fileName must be a plain file name' })
  fileName?: string;
}

export class WfpImportQueryDto {
  @ApiPropertyOptional({
    description:
      "ISO 3166-1 alpha-3 code of the file's country; without it, the file name must be wfp_food_prices_<iso3>.csv",
  })
  @IsOptional()
  @ToUpper()
  @Matches(COUNTRY_PATTERN, { message: 'country must be an ISO 3166-1 alpha-3 code such as COL' })
  country?: string;

  @ApiPropertyOptional({ description: 'The file name, for the ledger (and the country)' })
  @IsOptional()
  @MaxLength(200)
  @Matches(/^[\w.-]+$/, { message: 'fileName must be a plain file name' })
  fileName?: string;

  @ApiPropertyOptional({
    description:
      'For the price-table importer: field=Column pairs, e.g. date=Date,market=Market_Name,commodity=Item,unit=Unit,price=Price',
  })
  @IsOptional()
  @MaxLength(2000)
  map?: string;
}

@ApiTags('imports')
@Controller('imports')
export class ImportsController {
  constructor(
    private readonly runner: ImportRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly prisma: PrismaService,
  ) {}

  @Post('subscriptions')
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import mobile subscriptions per 100 people for any country',
    description:
      "The body is a World Bank WDI CSV (API_IT.CEL.SETS.P2_DS2_...csv: metadata lines, then Country Code, Indicator Code and one column per year) or a long CSV with the header country,year,value (text/csv). Values are stored as year-end values (31 December) and interpolated like North Korea's ITU series; aggregates (WLD, HIC, ...) and bad numbers are refused with reasons. North Korea's series ships with the project and is not overwritten. Every import is a run of the source subscriptions in the run ledger (GET /api/ingestion/runs); the answer carries it.",
  })
  @ApiOkResponse({ type: SubscriptionImportReportDto })
  async importSubscriptions(
    @Query() q: SubscriptionImportQueryDto,
    @Body() body: unknown,
    @Req() req: Request,
  ) {
    if (typeof body !== 'string' || !body.trim())
      throw new BadRequestException('body: the file is missing (send it as text/csv)');
    return this.runner.importSubscriptions(body, {
      fileName: q.fileName,
      trigger: triggerOf(req, this.prisma),
    });
  }

  @Post('towers')
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiBody({ description: TOWER_BODY })
  @ApiOperation({
    summary: 'Import a tower file (one transaction; the same as POST /api/coverage/towers/import)',
    description: TOWER_IMPORT_DESCRIPTION,
  })
  @ApiOkResponse({ type: TowerImportReportDto })
  importTowers(@Query() q: TowerImportQueryDto, @Body() body: unknown, @Req() req: Request) {
    return importTowerUpload(this.runner, q, body, triggerOf(req, this.prisma));
  }

  @Post('wfp')
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Import a WFP food-price CSV file in any WFP layout (streamed; one run, one transaction)',
    description:
      'The body is the CSV file (text/csv), read as a stream with a cap of MAX_IMPORT_BYTES (declared larger: 413 before anything is read). The layout is recognised from the header: HDX (one country a file, with or without market_id/commodity_id and the HXL row), the VAM global file (every country; the country from adm0_name), or any HXL-tagged file; none: a 400 listing the importers. Every valid row is stored (key: source, market, commodity, price type, unit, date); refused rows are counted with their reasons in the run (GET /api/ingestion/runs/{id}/rejections); forecast rows and the HXL row are skipped and counted; markets that are averages of others are stored as regions (left out of statistics unless named). Answers with the finished run, its countries, the rows read and the first 1,000 refusals. The same as POST /api/imports/{importer} with the importer recognised.',
  })
  @ApiOkResponse({ type: FileImportReportDto })
  importWfp(@Query() q: WfpImportQueryDto, @Req() req: Request) {
    return this.importWith(undefined, q, req);
  }

  @Post(':importer')
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import a price file with a named importer (streamed; one run, one transaction)',
    description: `importer: ${PRICE_FILE_IMPORTERS.map((i) => `${i.id}: ${i.name}`).join('; ')}. As POST /api/imports/wfp otherwise; price-table needs map=field=Column,... (fields date, market, commodity, unit, price and optionally admin1, admin2, latitude, longitude, category, priceflag, pricetype, currency, usdprice, country).`,
  })
  @ApiOkResponse({ type: FileImportReportDto })
  importNamed(
    @Param('importer') importer: string,
    @Query() q: WfpImportQueryDto,
    @Req() req: Request,
  ) {
    if (!PRICE_FILE_IMPORTERS.some((i) => i.id === importer))
      throw new NotFoundException(
        `importer: no importer "${importer}" (importers: ${FILE_IMPORTERS.map((i) => i.id).join(', ')}, and wfp for any WFP layout)`,
      );
    return this.importWith(importer, q, req);
  }

  private importWith(importer: string | undefined, q: WfpImportQueryDto, req: Request) {
    const cap = this.config.maxImportBytes;
    let seen = 0;
    const capped = new Transform({
      transform(chunk: Buffer, _enc, done) {
        seen += chunk.length;
        if (seen > cap)
          done(new Error(`body: the file is larger than MAX_IMPORT_BYTES (${cap} bytes)`));
        else done(null, chunk);
      },
    });
    req.pipe(capped);
    return this.runner.importPrices(capped, {
      importer,
      fileName: q.fileName,
      country: q.country,
      map: q.map === undefined ? undefined : parseColumnMap(q.map),
      trigger: triggerOf(req, this.prisma),
      sourceUrl: q.fileName ? `upload:${q.fileName}` : undefined,
    });
  }
}
