import { declareSource, SourceSettings } from '../source-declaration';
import { ParseContext, ParseResult, SourceMeta } from '../source.types';
import { ListingArticlesSource } from '../listing-articles.source';
import {
  articleLinks,
  NKTIMES_EN_PARSER_VERSION,
  parseNkTimesArticle,
  parseNkTimesListing,
} from './nktimes-en.parser';

const META: SourceMeta = {
  id: 'nktimes-en',
  name: 'NK Times English grain price reports',
  homeUrl: 'https://nktimes.kr/en/',
  credit:
    'Grain prices reported monthly by NK Times (Seoul) for Pyongyang, Sariwon, Pyongsong, Hamhung, Chongjin and Hyesan.',
};

// NK Times (SOURCES.md section 5): the listing, then its newest articles.
export class NkTimesEnSource extends ListingArticlesSource {
  readonly meta = META;
  readonly parserVersion = NKTIMES_EN_PARSER_VERSION;

  constructor(settings: SourceSettings) {
    super(settings);
  }

  protected articleLinks(html: string, base: string): string[] {
    return articleLinks(html, base);
  }

  protected parseListing(html: string, url: string): ParseResult {
    return parseNkTimesListing(html, url);
  }

  protected parseArticle(html: string, url: string, ctx: ParseContext): ParseResult {
    return parseNkTimesArticle(html, url, ctx);
  }
}

export const NKTIMES_EN_SOURCE = declareSource({
  meta: META,
  // after Daily NK's series for the same city and date; before Asia Press's regional averages
  preference: 35,
  settings: {
    url: {
      env: 'NKTIMES_EN_URL',
      kind: 'url',
      default: 'https://nktimes.kr/en/category/economy/',
      description: 'the listing of its economy reports',
    },
    cron: {
      env: 'NKTIMES_EN_CRON',
      kind: 'cron',
      default: '50 */12 * * *',
      description: 'cron expression (UTC) of its scheduled run',
    },
    maxArticles: {
      env: 'NKTIMES_EN_MAX_ARTICLES',
      kind: 'int',
      default: 10,
      min: 1,
      max: 100,
      description: 'newest articles read per run',
    },
  },
  create: (settings) => new NkTimesEnSource(settings),
});
