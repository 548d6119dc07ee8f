import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { SinglePageSource } from '../single-page.source';
import { ParseResult, SourceMeta } from '../source.types';
import { ASIAPRESS_EN_PARSER_VERSION, parseAsiaPressPosts } from './asiapress-en.parser';

@Injectable()
export class AsiaPressEnSource extends SinglePageSource {
  readonly meta: SourceMeta = {
    id: 'asiapress-en',
    name: 'Asia Press (Rimjin-gang) English price posts',
    homeUrl: 'https://www.asiapress.org/rimjin-gang/',
    credit:
      'Prices reported by Asia Press partners in the northern border provinces, English edition (regional averages).',
  };
  readonly parserVersion = ASIAPRESS_EN_PARSER_VERSION;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(config, 'asiapress-en', 'posts');
  }

  protected parseBody(body: string): ParseResult {
    return parseAsiaPressPosts(body);
  }
}
