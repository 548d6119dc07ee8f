import { decodeBody } from './shared/decode-body';
import {
  FetchedDocument,
  HttpGetter,
  ParseContext,
  ParseResult,
  PriceSource,
  SourceMeta,
} from './source.types';
import { SourceSettings } from './source-declaration';

// A publisher whose prices sit on one page (or one API answer) at its configured URL.
export abstract class SinglePageSource implements PriceSource {
  abstract readonly meta: SourceMeta;
  abstract readonly parserVersion: string;

  protected constructor(
    private readonly settings: SourceSettings,
    private readonly label: string,
  ) {}

  protected abstract parseBody(body: string, doc: FetchedDocument, ctx: ParseContext): ParseResult;

  async fetchLive(http: HttpGetter): Promise<FetchedDocument[]> {
    return [await http.get(String(this.settings.url), this.label)];
  }

  parse(doc: FetchedDocument, ctx: ParseContext): ParseResult {
    return this.parseBody(decodeBody(doc), doc, ctx);
  }
}
