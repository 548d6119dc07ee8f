import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import {
  FetchedDocument,
  HttpGetter,
  ParseContext,
  ParseResult,
  PriceSource,
  SourceMeta,
} from '../source.types';
import { DAILYNK_KO_PARSER_VERSION, parseDailyNkKoreanTable } from './dailynk-ko.parser';

@Injectable()
export class DailyNkKoSource implements PriceSource {
  readonly meta: SourceMeta = {
    id: 'dailynk-ko',
    name: 'Daily NK Korean market table (legacy)',
    homeUrl: 'http://www.dailynk.com/korean/market.php',
    credit: 'Weekly market survey by Daily NK (Seoul), Korean edition: Pyongyang, Sinuiju, Hyesan.',
  };
  readonly parserVersion = DAILYNK_KO_PARSER_VERSION;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async fetchLive(http: HttpGetter): Promise<FetchedDocument[]> {
    return [await http.get(this.config.sources['dailynk-ko'].url, 'market-table')];
  }

  parse(doc: FetchedDocument, _ctx: ParseContext): ParseResult {
    return parseDailyNkKoreanTable(doc.body.toString('utf8'));
  }
}
