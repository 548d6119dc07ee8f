import { AppConfig } from '../config/app-config';
import {
  FetchedDocument,
  HttpGetter,
  ParseContext,
  ParseResult,
  PriceSource,
  SourceMeta,
} from './source.types';

type SinglePageSourceId = 'dailynk-ko' | 'asiapress-ko' | 'asiapress-en';

// A publisher whose prices sit on one page (or one API answer) at a configured URL.
export abstract class SinglePageSource implements PriceSource {
  abstract readonly meta: SourceMeta;
  abstract readonly parserVersion: string;

  protected constructor(
    private readonly config: AppConfig,
    private readonly configKey: SinglePageSourceId,
    private readonly label: string,
  ) {}

  protected abstract parseBody(body: string, doc: FetchedDocument, ctx: ParseContext): ParseResult;

  async fetchLive(http: HttpGetter): Promise<FetchedDocument[]> {
    return [await http.get(this.config.sources[this.configKey].url, this.label)];
  }

  parse(doc: FetchedDocument, ctx: ParseContext): ParseResult {
    return this.parseBody(doc.body.toString('utf8'), doc, ctx);
  }
}
