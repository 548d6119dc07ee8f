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

export class DailyNkEnSource implements PriceSource {
  readonly meta = META;
  readonly parserVersion = DAILYNK_EN_PARSER_VERSION;

  constructor(private readonly settings: SourceSettings) {}

  // The category listing, then its newest articles (DAILYNK_EN_MAX_ARTICLES).
  async fetchLive(http: HttpGetter): Promise<FetchedDocument[]> {
    const url = String(this.settings.url);
    const maxArticles = Number(this.settings.maxArticles);
    const listing = await http.get(url, 'listing');
    const docs = [listing];
    for (const link of articleLinks(listing.body.toString('utf8'), url).slice(0, maxArticles)) {
      docs.push(await http.get(link, `article:${new URL(link).pathname}${new URL(link).search}`));
    }
    return docs;
  }

  parse(doc: FetchedDocument, ctx: ParseContext): ParseResult {
    const html = doc.body.toString('utf8');
    return doc.label === 'listing'
      ? parseDailyNkListing(html, doc.url)
      : parseDailyNkArticle(html, doc.url, ctx);
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
