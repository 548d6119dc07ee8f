import {
  BadRequestException,
  Controller,
  Get,
  NotAcceptableException,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify';
import type { Request, Response } from 'express';
import { PrismaService } from '../database/prisma.service';
import { ObservationFilter, PricesService } from '../prices/prices.service';
import { decodeCursor, encodeCursor } from './cursor';
import { pricePerBaseUnit } from '../common/units';
import { DEFAULT_COUNTRY } from '../analysis/events';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  ObservationsQueryDto,
} from './dto/observations-query.dto';

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
    private readonly prisma: PrismaService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Price observations as tidy long rows',
    description:
      'One row per published value: date (survey date, or period start), periodEnd (for weekly periods), market, commodity, value (current North Korean won; values before 2009-12-01 divided by 100), unit (e.g. KPW/kg, KPW/USD), currency, source, flag (observed, aggregated, imputed). ' +
      'Ordered by (commodity, date, market, source, priceType, unit) within the country: one series after another, each by date (the order of a panel). JSON pages carry nextCursor (null on the last page); pass it as cursor. ' +
      `Page size: default ${DEFAULT_PAGE_SIZE}, hard maximum ${MAX_PAGE_SIZE}. format=csv (or an Accept header preferring text/csv, q-values honoured; nothing acceptable: 406) streams every matching row as CSV with a header row and a last column credit: the publisher's credit line, to keep with the numbers. ` +
      'Credit Daily NK for its survey data.',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: '{ data: rows[], nextCursor: string | null, limit }' })
  async list(
    @Query() q: ObservationsQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (q.from && q.to && q.from > q.to)
      throw new BadRequestException('from: must not be after to');
    await this.prices.assertKnown('commodity', 'commodity', q.commodity);
    await this.prices.assertKnown('market', 'market', q.market);
    await this.prices.assertKnown('source', 'source', q.source);
    const country = q.country ?? DEFAULT_COUNTRY;
    await this.prices.assertKnown('country', 'country', [country]);
    const filter: ObservationFilter = {
      country,
      units: q.unit,
      priceTypes: q.priceType,
      commodities: q.commodity,
      markets: q.market,
      sources: q.source,
      from: q.from,
      to: q.to,
    };
    // content negotiation with q-values (text/csv;q=0 means "not CSV"), JSON first on a tie
    const wanted = q.format ? null : req.accepts(['application/json', 'text/csv']);
    if (wanted === false)
      throw new NotAcceptableException(
        'accept: this endpoint answers application/json or text/csv (or pass format=csv)',
      );
    const csv = q.format === 'csv' || wanted === 'text/csv';

    if (!csv) {
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

    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="observations.csv"');
    // the credit line travels with every row: a column any CSV reader keeps, not a comment
    const credits = new Map(
      (await this.prisma.source.findMany({ select: { id: true, credit: true } })).map((x) => [
        x.id,
        x.credit,
      ]),
    );
    const out = stringify({ header: true, columns: [...CSV_COLUMNS, 'credit'] });
    out.pipe(res);
    try {
      for await (const rows of this.prices.iterate(filter, MAX_PAGE_SIZE, q.limit ?? Infinity)) {
        for (const r of rows) {
          const row = { ...r, credit: credits.get(r.source) ?? '' };
          if (!out.write(row)) await new Promise((resolve) => out.once('drain', resolve));
        }
      }
    } finally {
      out.end();
    }
  }
}
