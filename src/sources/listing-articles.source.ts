import { decodeBody } from './shared/decode-body';
import { SourceSettings } from './source-declaration';
import {
  FetchedDocument,
  HttpGetter,
  ParseContext,
  ParseResult,
  PriceSource,
  SourceMeta,
} from './source.types';

// A publisher whose prices are in articles: its listing page at the configured URL, then the newest
// `maxArticles` articles it links to, each archived and parsed on its own.
export abstract class ListingArticlesSource implements PriceSource {
  abstract readonly meta: SourceMeta;
  abstract readonly parserVersion: string;

  protected constructor(private readonly settings: SourceSettings) {}

  protected abstract articleLinks(html: string, base: string): string[];
  protected abstract parseListing(html: string, url: string): ParseResult;
  protected abstract parseArticle(html: string, url: string, ctx: ParseContext): ParseResult;

  async fetchLive(http: HttpGetter): Promise<FetchedDocument[]> {
    const url = String(this.settings.url);
    const listing = await http.get(url, 'listing');
    const docs = [listing];
    const links = this.articleLinks(decodeBody(listing), url);
    for (const link of links.slice(0, Number(this.settings.maxArticles))) {
      const u = new URL(link);
      docs.push(await http.get(link, `article:${u.pathname}${u.search}`));
    }
    return docs;
  }

  parse(doc: FetchedDocument, ctx: ParseContext): ParseResult {
    const html = decodeBody(doc);
    return doc.label === 'listing'
      ? this.parseListing(html, doc.url)
      : this.parseArticle(html, doc.url, ctx);
  }
}
