import { declareSource, SourceSettings } from '../source-declaration';
import { ParseContext, ParseResult, SourceMeta } from '../source.types';
import { ListingArticlesSource } from '../listing-articles.source';
import {
  articleLinks,
  DAILYNK_EN_PARSER_VERSION,
  parseDailyNkArticle,
  parseDailyNkListing,
} from './dailynk-en.parser';

const META: SourceMeta = {
  id: 'dailynk-en',
  name: 'Daily NK English market reports',
  homeUrl: 'https://www.dailynk.com/english/category/market-indicators/',
  credit: 'Market reports by Daily NK (Seoul), English edition.',
};

export class DailyNkEnSource extends ListingArticlesSource {
  readonly meta = META;
  readonly parserVersion = DAILYNK_EN_PARSER_VERSION;

  constructor(settings: SourceSettings) {
    super(settings);
  }

  protected articleLinks(html: string, base: string): string[] {
    return articleLinks(html, base);
  }

  protected parseListing(html: string, url: string): ParseResult {
    return parseDailyNkListing(html, url);
  }

  protected parseArticle(html: string, url: string, ctx: ParseContext): ParseResult {
    return parseDailyNkArticle(html, url, ctx);
  }
}

export const DAILYNK_EN_SOURCE = declareSource({
  meta: META,
  preference: 30,
  settings: {
    url: {
      env: 'DAILYNK_EN_URL',
      kind: 'url',
      default: 'https://www.dailynk.com/english/category/market-indicators/',
      description: 'the market-indicators category listing',
    },
    cron: {
      env: 'DAILYNK_EN_CRON',
      kind: 'cron',
      default: '5 */6 * * *',
      description: 'cron expression (UTC) of its scheduled run',
    },
    maxArticles: {
      env: 'DAILYNK_EN_MAX_ARTICLES',
      kind: 'int',
      default: 10,
      min: 1,
      max: 100,
      description: 'newest articles read per run',
    },
  },
  create: (settings) => new DailyNkEnSource(settings),
});
