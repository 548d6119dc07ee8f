import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { SinglePageSource } from '../single-page.source';
import { ParseResult, SourceMeta } from '../source.types';
import { DAILYNK_KO_PARSER_VERSION, parseDailyNkKoreanTable } from './dailynk-ko.parser';

@Injectable()
export class DailyNkKoSource extends SinglePageSource {
  readonly meta: SourceMeta = {
    id: 'dailynk-ko',
    name: 'Daily NK Korean market table (legacy)',
    homeUrl: 'http://www.dailynk.com/korean/market.php',
    credit: 'Weekly market survey by Daily NK (Seoul), Korean edition: Pyongyang, Sinuiju, Hyesan.',
  };
  readonly parserVersion = DAILYNK_KO_PARSER_VERSION;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(config, 'dailynk-ko', 'market-table');
  }

  protected parseBody(body: string): ParseResult {
    return parseDailyNkKoreanTable(body);
  }
}
