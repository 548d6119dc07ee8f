import { SinglePageSource } from '../single-page.source';
import { declareSource, SourceSettings } from '../source-declaration';
import { ParseResult, SourceMeta } from '../source.types';
import { DAILYNK_KO_PARSER_VERSION, parseDailyNkKoreanTable } from './dailynk-ko.parser';

const META: SourceMeta = {
  id: 'dailynk-ko',
  name: 'Daily NK Korean market table (legacy)',
  homeUrl: 'http://www.dailynk.com/korean/market.php',
  credit: 'Weekly market survey by Daily NK (Seoul), Korean edition: Pyongyang, Sinuiju, Hyesan.',
};

export class DailyNkKoSource extends SinglePageSource {
  readonly meta = META;
  readonly parserVersion = DAILYNK_KO_PARSER_VERSION;

  constructor(settings: SourceSettings) {
    super(settings, 'market-table');
  }

  protected parseBody(body: string): ParseResult {
    return parseDailyNkKoreanTable(body);
  }
}

export const DAILYNK_KO_SOURCE = declareSource({
  meta: META,
  preference: 20,
  settings: {
    url: {
      env: 'DAILYNK_KO_URL',
      kind: 'url',
      default: 'http://www.dailynk.com/korean/market.php',
      description: 'the legacy market table page',
    },
    cron: {
      env: 'DAILYNK_KO_CRON',
      kind: 'cron',
      default: '15 */6 * * *',
      description: 'cron expression (UTC) of its scheduled run',
    },
  },
  create: (settings) => new DailyNkKoSource(settings),
});
