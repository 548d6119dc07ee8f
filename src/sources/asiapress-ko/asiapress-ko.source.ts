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
import { ASIAPRESS_KO_PARSER_VERSION, parseAsiaPressKoreanTable } from './asiapress-ko.parser';

@Injectable()
export class AsiaPressKoSource implements PriceSource {
  readonly meta: SourceMeta = {
    id: 'asiapress-ko',
    name: 'Asia Press (Rimjin-gang) Korean price table',
    homeUrl: 'https://www.asiapress.org/korean/',
    credit:
      'Prices collected by Asia Press reporting partners in the northern border provinces (regional averages).',
  };
  readonly parserVersion = ASIAPRESS_KO_PARSER_VERSION;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async fetchLive(http: HttpGetter): Promise<FetchedDocument[]> {
    return [await http.get(this.config.sources['asiapress-ko'].url, 'price-table')];
  }

  parse(doc: FetchedDocument, _ctx: ParseContext): ParseResult {
    return parseAsiaPressKoreanTable(doc.body.toString('utf8'));
  }
}
