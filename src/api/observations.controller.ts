import {
  BadRequestException,
  Controller,
  Get,
  NotAcceptableException,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { stringify } from 'csv-stringify';
import type { Request, Response } from 'express';
import { PrismaService } from '../database/prisma.service';
import { ObservationFilter, ObservationRow, PricesService } from '../prices/prices.service';
import { CatalogueService } from '../prices/catalogue.service';
import { ReferenceIdsService } from '../prices/reference-ids.service';
import { inRange, PanelService } from '../analysis/panel.service';
import { decodeCursor, encodeCursor } from './cursor';
import { pricePerBaseUnit } from '../common/units';
import { DEFAULT_COUNTRY } from '../analysis/events';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  ObservationsQueryDto,
  WideQueryDto,
} from './dto/observations-query.dto';
import { ObservationsPageDto } from './dto/responses/observations.responses';

const CSV_COLUMNS = [
  'date',
  'periodEnd',
  'market',
  'commodity',
  'value',
  'unit',
  'currency',
  'source',
  'flag',
  'country',
  'priceType',
  'usdValue',
] as const;

@ApiTags('prices')
@Controller('observations')
export class ObservationsController {
  constructor(
    private readonly prices: PricesService,
    private readonly catalogue: CatalogueService,
    private readonly ids: ReferenceIdsService,
    private readonly prisma: PrismaService,
    private readonly panels: PanelService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Price observations as tidy long rows',
    description:
      'One row per published value: date (survey date, or period start), periodEnd (for weekly periods), market, commodity, value (current North Korean won; values before 2009-12-01 divided by 100), unit (e.g. KPW/kg, KPW/USD), currency, source, flag (observed, aggregated, imputed). ' +
      'Ordered by (commodity, market, source, priceType, unit, currency, date) within the country: one series after another, each by date (the order of a panel). JSON pages carry nextCursor (null on the last page); pass it as cursor. ' +
      `Page size: default ${DEFAULT_PAGE_SIZE}, hard maximum ${MAX_PAGE_SIZE}. format=csv (or an Accept header preferring text/csv, q-values honoured; nothing acceptable: 406) streams every matching row as CSV with a header row and a last column credit: the publisher's credit line, to keep with the numbers; format=ndjson (or Accept: application/x-ndjson) streams them as one JSON object per line, each with its credit field, for large pulls. ` +
      'Credit Daily NK for its survey data.',
  })
  @ApiOkResponse({
    description:
      'JSON: one page of rows. CSV and NDJSON: every matching row, streamed, each with a credit field.',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ObservationsPageDto) } },
      'text/csv': { schema: { type: 'string' } },
      'application/x-ndjson': { schema: { type: 'string' } },
    },
  })
  async list(
    @Query() q: ObservationsQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (q.from && q.to && q.from > q.to)
      throw new BadRequestException('from: must not be after to');
    await this.ids.assertKnown('commodity', 'commodity', q.commodity);
    await this.ids.assertKnown('market', 'market', q.market);
    await this.ids.assertKnown('source', 'source', q.source);
    const country = q.country ?? DEFAULT_COUNTRY;
    await this.ids.assertKnown('country', 'country', [country]);
    const filter: ObservationFilter = {
      country,
      units: q.unit,
      priceTypes: q.priceType,
      currencies: q.currency,
      commodities: q.commodity,
      markets: q.market,
      sources: q.source,
      from: q.from,
      to: q.to,
    };
    // content negotiation with q-values (text/csv;q=0 means "not CSV"), JSON first on a tie
    const wanted = q.format
      ? null
      : req.accepts(['application/json', 'text/csv', 'application/x-ndjson']);
    if (wanted === false)
      throw new NotAcceptableException(
        'accept: this endpoint answers application/json, text/csv or application/x-ndjson (or pass format=csv or format=ndjson)',
      );
    const format =
      q.format ??
      (wanted === 'text/csv' ? 'csv' : wanted === 'application/x-ndjson' ? 'ndjson' : 'json');

    if (format === 'json') {
      if (q.limit !== undefined && q.limit > MAX_PAGE_SIZE) {
        throw new BadRequestException(
          `limit: at most ${MAX_PAGE_SIZE} rows per page; use nextCursor for more`,
        );
      }
      const limit = q.limit ?? DEFAULT_PAGE_SIZE;
      const page = await this.prices.page(
        filter,
        limit,
        q.cursor ? decodeCursor(q.cursor) : undefined,
      );
      // where the unit is a multiple of a mass or a volume (90 KG, 500 ML), the price per kg or litre too
      const data = page.rows.map((r) => ({ ...r, perBaseUnit: pricePerBaseUnit(r.value, r.unit) }));
      res.json({ data, nextCursor: page.next ? encodeCursor(page.next) : null, limit });
      return;
    }

    const credits = await this.credits();
    const rows = this.rowsWithCredit(filter, q.limit ?? Infinity, credits);
    if (format === 'ndjson') {
      res.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
      await streamOut(res, rows, (r) => JSON.stringify(r) + '\n');
      return;
    }
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="observations.csv"');
    // the credit line travels with every row: a column any CSV reader keeps, not a comment
    const out = stringify({ header: true, columns: [...CSV_COLUMNS, 'credit'] });
    out.pipe(res);
    try {
      for await (const row of rows)
        if (!out.write(row)) await new Promise((resolve) => out.once('drain', resolve));
    } finally {
      out.end();
    }
  }

  @Get('wide')
  @ApiOperation({
    summary: 'One commodity series as a wide CSV: dates by markets',
    description:
      "One row per survey date, one column per market (its id), the value in the series' unit and currency; an empty cell where the market was not observed that date. The series is chosen as the analysis chooses it: one country (default PRK), one unit and price type (a 400 lists the choices when there are several and none is named), per market and date the preferred source (or source=). The last column, credit, carries the credit line of every source used, on every row.",
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'CSV: date, one column per market, credit',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  async wide(@Query() q: WideQueryDto, @Res() res: Response): Promise<void> {
    await this.ids.assertKnown('source', 'source', q.source ? [q.source] : undefined);
    const panel = await this.panels.forRequest(q);
    const { points, markets } = await panel.data();
    const rows = inRange(points, q.from, q.to);
    const observed = new Set(rows.map((p) => p.market));
    const ids = markets.map((m) => m.id).filter((id) => observed.has(id));
    const credit = (await this.catalogue.sourceCredits([...new Set(rows.map((p) => p.source))]))
      .map((c) => c.credit)
      .join(' ');
    const byDate = new Map<string, Map<string, number>>();
    for (const p of rows) {
      let d = byDate.get(p.date);
      if (!d) byDate.set(p.date, (d = new Map<string, number>()));
      d.set(p.market, p.value);
    }
    const name = `${panel.filter.country ?? DEFAULT_COUNTRY}-${q.commodity}-wide.csv`.toLowerCase();
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${name}"`);
    const out = stringify({ header: true, columns: ['date', ...ids, 'credit'] });
    out.pipe(res);
    for (const date of [...byDate.keys()].sort()) {
      const d = byDate.get(date)!;
      const row: Record<string, string | number> = { date, credit };
      for (const id of ids) row[id] = d.get(id) ?? '';
      if (!out.write(row)) await new Promise((resolve) => out.once('drain', resolve));
    }
    out.end();
  }

  // The credit line of every source, by id (a streamed export may reach any of them).
  private async credits(): Promise<Map<string, string>> {
    const rows = await this.prisma.source.findMany({ select: { id: true, credit: true } });
    return new Map(rows.map((x) => [x.id, x.credit]));
  }

  private async *rowsWithCredit(
    filter: ObservationFilter,
    limit: number,
    credits: Map<string, string>,
  ): AsyncGenerator<ObservationRow & { credit: string }> {
    for await (const rows of this.prices.iterate(filter, MAX_PAGE_SIZE, limit))
      for (const r of rows) yield { ...r, credit: credits.get(r.source) ?? '' };
  }
}

// Writes every item to the response, waiting for the socket to drain when it is full.
async function streamOut<T>(
  res: Response,
  items: AsyncIterable<T>,
  line: (item: T) => string,
): Promise<void> {
  try {
    for await (const item of items) {
      if (res.destroyed) return;
      if (!res.write(line(item))) await new Promise((resolve) => res.once('drain', resolve));
    }
  } finally {
    res.end();
  }
}
