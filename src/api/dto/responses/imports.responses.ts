import { Int, Many, One, Str } from './props';
import { RunDto } from './reference.responses';
import { RowRejectionDto } from './coverage.responses';

export class FileImportReportDto {
  @One(() => RunDto, 'the run in the ledger') run!: RunDto;
  @Str('ISO 3166-1 alpha-3') country!: string;
  @Int() rowsRead!: number;
  @Many(() => RowRejectionDto, 'the first 1,000 refused rows') rejections!: RowRejectionDto[];
}

export class SubscriptionImportReportDto {
  @Str('the file layout found', { enum: ['wdi', 'long'] }) shape!: string;
  @Int() countries!: number;
  @Int() points!: number;
  @Int() inserted!: number;
  @Int() updated!: number;
  @Int() unchanged!: number;
  @Int() rejected!: number;
  @Many(() => RowRejectionDto, 'the first 1,000') rejections!: RowRejectionDto[];
}
