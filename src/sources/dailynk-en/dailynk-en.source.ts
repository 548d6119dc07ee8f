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
import {
  articleLinks,
  DAILYNK_EN_PARSER_VERSION,
  parseDailyNkArticle,
  parseDailyNkListing,
} from './dailynk-en.parser';

@Injectable()
export class DailyNkEnSource implements PriceSource {
  readonly meta: SourceMeta = {
    id: 'dailynk-en',
    name: 'Daily NK English market reports',
    homeUrl: 'https://www.dailynk.com/english/category/market-indicators/',
    credit: 'Market reports by Daily NK (Seoul), English edition.',
  };
  readonly parserVersion = DAILYNK_EN_PARSER_VERSION;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  // The category listing, then its newest articles (DAILYNK_EN_MAX_ARTICLES).
  async fetchLive(http: HttpGetter): Promise<FetchedDocument[]> {
    const { url, maxArticles } = this.config.sources['dailynk-en'];
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
