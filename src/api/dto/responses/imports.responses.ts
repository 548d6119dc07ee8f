import { Int, Many, MapOf, One, Str } from './props';
import { RunDto } from './reference.responses';
import { RowRejectionDto } from './coverage.responses';

export class FileImportReportDto {
  @One(() => RunDto, 'the run in the ledger') run!: RunDto;
  @Str('the importer that read the file', { example: 'wfp-hdx' }) importer!: string;
  @Str("ISO 3166-1 alpha-3: the file's country (of several: the one with the most rows)")
  country!: string;
  @MapOf('integer', 'rows stored per country (ISO 3166-1 alpha-3)') countries!: Record<
    string,
    number
  >;
  @Int() rowsRead!: number;
  @MapOf('integer', 'records that are not observations, by kind: hxl-tags, forecast')
  skipped!: Record<string, number>;
  @Int(
    'rows of markets that are averages of others (National Average, a division): stored as regions, left out of statistics unless named',
  )
  averageMarketRows!: number;
  @Int("rows flagged aggregate: a month's price computed from the market's own weekly prices, kept")
  aggregateRows!: number;
  @Many(() => RowRejectionDto, 'the first 1,000 refused rows') rejections!: RowRejectionDto[];
}

export class SubscriptionImportReportDto {
  @One(() => RunDto, 'its run in the run ledger (source subscriptions)') run!: RunDto;
  @Str('the file layout found', { enum: ['wdi', 'long'] }) shape!: string;
  @Int() countries!: number;
  @Int() points!: number;
  @Int() inserted!: number;
  @Int() updated!: number;
  @Int() unchanged!: number;
  @Int() rejected!: number;
  @Many(() => RowRejectionDto, 'the first 1,000') rejections!: RowRejectionDto[];
}
