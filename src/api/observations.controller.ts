import { BadRequestException, Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import { ObservationFilter, PricesService } from '../prices/prices.service';
import { decodeCursor, encodeCursor } from './cursor';
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
] as const;

@ApiTags('prices')
@Controller('observations')
export class ObservationsController {
  constructor(private readonly prices: PricesService) {}

  @Get()
  @ApiOperation({
    summary: 'Price observations as tidy long rows',
    description:
      'One row per published value: date (survey date, or period start), periodEnd (for weekly periods), market, commodity, value (current North Korean won; values before 2009-12-01 divided by 100), unit (e.g. KPW/kg, KPW/USD), currency, source, flag (observed, aggregated, imputed). ' +
      'Ordered by (date, market, commodity, source). JSON pages carry nextCursor (null on the last page); pass it as cursor. ' +
      `Page size: default ${DEFAULT_PAGE_SIZE}, hard maximum ${MAX_PAGE_SIZE}. format=csv (or Accept: text/csv) streams every matching row as CSV with a header row. ` +
      'Credit Daily NK for its survey data.',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: '{ data: rows[], nextCursor: string | null, limit }' })
  async list(
    @Query() q: ObservationsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    if (q.from && q.to && q.from > q.to)
      throw new BadRequestException('from: must not be after to');
    await this.prices.assertKnown('commodity', 'commodity', q.commodity);
    await this.prices.assertKnown('market', 'market', q.market);
    await this.prices.assertKnown('source', 'source', q.source);
    const filter: ObservationFilter = {
      commodities: q.commodity,
      markets: q.market,
      sources: q.source,
      from: q.from,
      to: q.to,
    };
    const csv = q.format === 'csv' || (!q.format && (accept ?? '').includes('text/csv'));

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
      res.json({ data: page.rows, nextCursor: page.next ? encodeCursor(page.next) : null, limit });
      return;
    }

    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="observations.csv"');
    const out = stringify({ header: true, columns: [...CSV_COLUMNS] });
    out.pipe(res);
    try {
      for await (const rows of this.prices.iterate(filter, MAX_PAGE_SIZE, q.limit ?? Infinity)) {
        for (const r of rows) {
          if (!out.write(r)) await new Promise((resolve) => out.once('drain', resolve));
        }
      }
    } finally {
      out.end();
    }
  }
}
