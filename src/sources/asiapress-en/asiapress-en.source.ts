import { SinglePageSource } from '../single-page.source';
import { declareSource, SourceSettings } from '../source-declaration';
import { ParseResult, SourceMeta } from '../source.types';
import { ASIAPRESS_EN_PARSER_VERSION, parseAsiaPressPosts } from './asiapress-en.parser';

const META: SourceMeta = {
  id: 'asiapress-en',
  name: 'Asia Press (Rimjin-gang) English price posts',
  homeUrl: 'https://www.asiapress.org/rimjin-gang/',
  credit:
    'Prices reported by Asia Press partners in the northern border provinces, English edition (regional averages).',
};

export class AsiaPressEnSource extends SinglePageSource {
  readonly meta = META;
  readonly parserVersion = ASIAPRESS_EN_PARSER_VERSION;

  constructor(settings: SourceSettings) {
    super(settings, 'posts');
  }

  protected parseBody(body: string): ParseResult {
    return parseAsiaPressPosts(body);
  }
}

export const ASIAPRESS_EN_SOURCE = declareSource({
  meta: META,
  preference: 50,
  settings: {
    url: {
      env: 'ASIAPRESS_EN_URL',
      kind: 'url',
      default: 'https://www.asiapress.org/rimjin-gang/wp-json/wp/v2/posts?per_page=20&search=price',
      description: 'the WordPress posts API query',
    },
    cron: {
      env: 'ASIAPRESS_EN_CRON',
      kind: 'cron',
      default: '45 */6 * * *',
      description: 'cron expression (UTC) of its scheduled run',
    },
  },
  create: (settings) => new AsiaPressEnSource(settings),
});
