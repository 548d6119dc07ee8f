import { Injectable } from '@nestjs/common';
import { bulkTransaction } from '../database/bulk-transaction';
import { PrismaService } from '../database/prisma.service';
import type { SqlTx } from '../database/sql-tx';
import { ITU_SERIES } from './mobile-series.service';
import { parseSubscriptionFile, SubscriptionFileError } from './subscriptions-file.parser';

export interface SubscriptionImportReport {
  shape: 'wdi' | 'long';
  countries: number;
  points: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rejections: { row: number; reason: string }[]; // the first 1,000
}

// Imports mobile subscriptions per 100 people for any country (World Bank WDI or a long CSV) as
// year-end values (31 December), the way North Korea's ITU series is stored, in one transaction.
// North Korea's series ships with the project (data/reference) and is re-loaded at every start:
// its rows in a file are refused with that reason rather than overwritten back and forth.
@Injectable()
export class SubscriptionImportService {
  constructor(private readonly prisma: PrismaService) {}

  // `fence`: a check that may refuse the commit (the lease of the run ImportRunner opened)
  async import(
    text: string,
    fileName?: string,
    fence?: (tx: SqlTx) => Promise<void>,
  ): Promise<SubscriptionImportReport> {
    const file = parseSubscriptionFile(text);
    const rejections = [...file.rejected];
    const points = file.points.filter((p) => {
      if (p.country !== 'PRK') return true;
      rejections.push({
        row: 0,
        reason: `PRK ${p.year}: North Korea's series ships with the project (data/reference/itu-mobile-subscriptions-per-100.csv); edit that file instead`,
      });
      return false;
    });
    if (!points.length)
      throw new SubscriptionFileError(
        `no usable value in the file (${file.rejected.length} refused${file.points.length ? ", the rest North Korea's" : ''})`,
      );
    const provenance = `World Bank WDI IT.CEL.SETS.P2 (ITU), year-end value${fileName ? `, imported from ${fileName}` : ''}`;
    // One upsert in one transaction; a changed value's old one is kept as a revision by the
    // table's trigger (a newer WDI release revises past years).
    const { inserted, updated } = await bulkTransaction(
      this.prisma,
      async (tx) => {
        const [counts] = await tx.query<{ inserted: number; updated: number }>(
          `WITH s AS (SELECT * FROM json_to_recordset($1::json) AS x(country text, date date, value float8)),
           up AS (
             INSERT INTO mobile_series_point (country, series, operator, date, value, provenance)
             SELECT country, $2, 'all', date, value, $3 FROM s
             ON CONFLICT (country, series, operator, date) DO UPDATE
               SET value = excluded.value, provenance = excluded.provenance
               WHERE mobile_series_point.value <> excluded.value
             RETURNING (xmax = 0) AS inserted)
           SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
                  count(*) FILTER (WHERE NOT inserted)::int AS updated FROM up`,
          JSON.stringify(
            points.map((p) => ({ country: p.country, date: `${p.year}-12-31`, value: p.value })),
          ),
          ITU_SERIES,
          provenance,
        );
        await fence?.(tx);
        return counts;
      },
      'the subscriptions import',
    );
    return {
      shape: file.shape,
      countries: new Set(points.map((p) => p.country)).size,
      points: points.length,
      inserted,
      updated,
      unchanged: points.length - inserted - updated,
      rejected: rejections.length,
      rejections: rejections.slice(0, 1000),
    };
  }
}
