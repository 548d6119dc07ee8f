import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { SinglePageSource } from '../single-page.source';
import { ParseResult, SourceMeta } from '../source.types';
import { ASIAPRESS_KO_PARSER_VERSION, parseAsiaPressKoreanTable } from './asiapress-ko.parser';

@Injectable()
export class AsiaPressKoSource extends SinglePageSource {
  readonly meta: SourceMeta = {
    id: 'asiapress-ko',
    name: 'Asia Press (Rimjin-gang) Korean price table',
    homeUrl: 'https://www.asiapress.org/korean/',
    credit:
      'Prices collected by Asia Press reporting partners in the northern border provinces (regional averages).',
  };
  readonly parserVersion = ASIAPRESS_KO_PARSER_VERSION;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(config, 'asiapress-ko', 'price-table');
  }

  protected parseBody(body: string): ParseResult {
    return parseAsiaPressKoreanTable(body);
  }
}
