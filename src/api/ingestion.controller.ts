import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import type { Request } from 'express';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IngestionService } from '../ingestion/ingestion.service';
import { RunLedgerService } from '../ingestion/run-ledger.service';
import { PrismaService } from '../database/prisma.service';
import { AdminTokenGuard, triggerOf } from './admin-token.guard';
import { RunsQueryDto, StartRunDto } from './dto/runs.dto';
import { NoQueryDto } from './dto/validators';
import { RowRejectionDto } from './dto/responses/coverage.responses';
import { RunDto } from './dto/responses/reference.responses';

@ApiTags('ingestion')
@Controller('ingestion')
export class IngestionController {
  constructor(
    private readonly ledger: RunLedgerService,
    private readonly ingestion: IngestionService,
    private readonly prisma: PrismaService,
  ) {}

  @Get('runs')
  @ApiOperation({
    summary: 'The ingestion run ledger, newest first',
    description:
      'id, source, trigger (cron, cli, api, startup), mode (live, archive, replay, import), status (running, succeeded, partial: stored with some values rejected, failed, abandoned: its process died before it finished and wrote nothing), start and end time, rows inserted / updated (a changed value; the old one is kept as a revision) / unchanged / rejected, and for a failure its kind (network, timeout, http_status, body_too_large, layout_changed, encoding, ...) and message.',
  })
  @ApiOkResponse({ type: RunDto, isArray: true })
  async runs(@Query() q: RunsQueryDto) {
    return this.ingestion.listRuns({ source: q.source, limit: q.limit ?? 50 });
  }

  @Get('runs/:id/rejections')
  @ApiOperation({
    summary: "A run's refused rows with their reasons",
    description:
      'For file imports (price files, tower files: refused and merged rows, subscription files): the first 1,000 refused rows, each with its line in the file and the reason. A run that kept none (a scraper run, or an import without refusals) answers [].',
  })
  @ApiOkResponse({ type: RowRejectionDto, isArray: true })
  async rejections(
    @Param(
      'id',
      new ParseIntPipe({
        exceptionFactory: () => new BadRequestException('id: a run id is a whole number'),
      }),
    )
    id: number,
    @Query() _query: NoQueryDto,
  ) {
    // run ids are 32-bit serials: a larger whole number cannot name one
    if (id < 1 || id > 2_147_483_647) throw new NotFoundException(`id: no run ${id}`);
    const rejections = await this.ledger.rejectionsOf(id);
    if (rejections === undefined) throw new NotFoundException(`id: no run ${id}`);
    return rejections ?? [];
  }

  @Post('runs')
  @HttpCode(201)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Run one source now and wait for the outcome',
    description:
      'Needs a Bearer token (ADMIN_TOKEN). Answers with the finished run from the ledger; a failed fetch is a run with status failed, not an HTTP error. 409 while the same source is already running.',
  })
  @ApiCreatedResponse({ type: RunDto })
  async start(@Body() body: StartRunDto, @Query() _query: NoQueryDto, @Req() req: Request) {
    return this.ingestion.run(body.source, triggerOf(req, this.prisma), body.mode ?? 'live', {
      since: body.since ? new Date(`${body.since}T00:00:00Z`) : undefined,
    });
  }
}
