import { Transform } from 'node:stream';
import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SubscriptionImportService } from '../coverage/subscription-import.service';
import { WfpImportService } from '../ingestion/wfp-import.service';
import { AdminTokenGuard, triggerOf } from './admin-token.guard';
import { PrismaService } from '../database/prisma.service';
import { COUNTRY_PATTERN, ToUpper } from './dto/validators';
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
}

@ApiTags('imports')
@Controller('imports')
export class ImportsController {
  constructor(
    private readonly wfp: WfpImportService,
    private readonly subscriptions: SubscriptionImportService,
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
      "The body is a World Bank WDI CSV (API_IT.CEL.SETS.P2_DS2_...csv: metadata lines, then Country Code, Indicator Code and one column per year) or a long CSV with the header country,year,value (text/csv). Values are stored as year-end values (31 December) and interpolated like North Korea's ITU series; aggregates (WLD, HIC, ...) and bad numbers are refused with reasons. North Korea's series ships with the project and is not overwritten.",
  })
  @ApiOkResponse({ type: SubscriptionImportReportDto })
  async importSubscriptions(@Query() q: SubscriptionImportQueryDto, @Body() body: unknown) {
    if (typeof body !== 'string' || !body.trim())
      throw new BadRequestException('body: the file is missing (send it as text/csv)');
    return this.subscriptions.import(body, q.fileName);
  }

  @Post('wfp')
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import a WFP/HDX food-price CSV file (streamed; one run, one transaction)',
    description:
      'The body is the CSV file (text/csv), read as a stream with a cap of MAX_IMPORT_BYTES (declared larger: 413 before anything is read). Every valid row is stored (key: source, market, commodity, price type, unit, date); refused rows are counted with their reasons in the run (GET /api/ingestion/runs/{id}/rejections). Answers with the finished run, its country, the rows read and the first 1,000 refusals.',
  })
  @ApiOkResponse({ type: FileImportReportDto })
  async importWfp(@Query() q: WfpImportQueryDto, @Req() req: Request) {
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
    return this.wfp.import(capped, {
      fileName: q.fileName,
      country: q.country,
      trigger: triggerOf(req, this.prisma),
      sourceUrl: q.fileName ? `upload:${q.fileName}` : undefined,
    });
  }
}
