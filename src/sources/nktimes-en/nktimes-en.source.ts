import { declareSource, SourceSettings } from '../source-declaration';
import {
  FetchedDocument,
  HttpGetter,
  ParseContext,
  ParseResult,
  PriceSource,
  SourceMeta,
} from '../source.types';
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
export class NkTimesEnSource implements PriceSource {
  readonly meta = META;
  readonly parserVersion = NKTIMES_EN_PARSER_VERSION;

  constructor(private readonly settings: SourceSettings) {}

  async fetchLive(http: HttpGetter): Promise<FetchedDocument[]> {
    const url = String(this.settings.url);
    const listing = await http.get(url, 'listing');
    const docs = [listing];
    const links = articleLinks(listing.body.toString('utf8'), url);
    for (const link of links.slice(0, Number(this.settings.maxArticles)))
      docs.push(await http.get(link, `article:${new URL(link).pathname}`));
    return docs;
  }

  parse(doc: FetchedDocument, ctx: ParseContext): ParseResult {
    const html = doc.body.toString('utf8');
    return doc.label === 'listing'
      ? parseNkTimesListing(html, doc.url)
      : parseNkTimesArticle(html, doc.url, ctx);
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
