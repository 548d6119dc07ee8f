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
import { ASIAPRESS_EN_PARSER_VERSION, parseAsiaPressPosts } from './asiapress-en.parser';

@Injectable()
export class AsiaPressEnSource implements PriceSource {
  readonly meta: SourceMeta = {
    id: 'asiapress-en',
    name: 'Asia Press (Rimjin-gang) English price posts',
    homeUrl: 'https://www.asiapress.org/rimjin-gang/',
    credit:
      'Prices reported by Asia Press partners in the northern border provinces, English edition (regional averages).',
  };
  readonly parserVersion = ASIAPRESS_EN_PARSER_VERSION;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async fetchLive(http: HttpGetter): Promise<FetchedDocument[]> {
    return [await http.get(this.config.sources['asiapress-en'].url, 'posts')];
  }

  parse(doc: FetchedDocument, _ctx: ParseContext): ParseResult {
    return parseAsiaPressPosts(doc.body.toString('utf8'));
  }
}
