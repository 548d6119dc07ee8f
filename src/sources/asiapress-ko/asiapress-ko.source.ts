import { SinglePageSource } from '../single-page.source';
import { declareSource, SourceSettings } from '../source-declaration';
import { ParseResult, SourceMeta } from '../source.types';
import { ASIAPRESS_KO_PARSER_VERSION, parseAsiaPressKoreanTable } from './asiapress-ko.parser';

const META: SourceMeta = {
  id: 'asiapress-ko',
  name: 'Asia Press (Rimjin-gang) Korean price table',
  homeUrl: 'https://www.asiapress.org/korean/',
  credit:
    'Prices collected by Asia Press reporting partners in the northern border provinces (regional averages).',
};

export class AsiaPressKoSource extends SinglePageSource {
  readonly meta = META;
  readonly parserVersion = ASIAPRESS_KO_PARSER_VERSION;

  constructor(settings: SourceSettings) {
    super(settings, 'price-table');
  }

  protected parseBody(body: string): ParseResult {
    return parseAsiaPressKoreanTable(body);
  }
}

export const ASIAPRESS_KO_SOURCE = declareSource({
  meta: META,
  preference: 40,
  settings: {
    url: {
      env: 'ASIAPRESS_KO_URL',
      kind: 'url',
      default: 'https://www.asiapress.org/korean/2017/03/ete/5815',
      description: 'the running price table page',
    },
    cron: {
      env: 'ASIAPRESS_KO_CRON',
      kind: 'cron',
      default: '30 */6 * * *',
      description: 'cron expression (UTC) of its scheduled run',
    },
  },
  create: (settings) => new AsiaPressKoSource(settings),
});
