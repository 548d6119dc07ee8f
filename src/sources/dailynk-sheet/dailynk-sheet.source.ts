import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { SourceError } from '../source.error';
import {
  FetchedDocument,
  HttpGetter,
  ParseContext,
  ParseResult,
  PriceSource,
  SourceMeta,
} from '../source.types';
import {
  DAILYNK_SHEET_PARSER_VERSION,
  isSheetTab,
  parseDailyNkSheet,
  SheetTab,
} from './dailynk-sheet.parser';

export const DAILYNK_SHEET_ARCHIVE_DIR = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  'data',
  'archive',
  'dailynk-sheet',
);

const TABS: SheetTab[] = ['rice', 'rate'];

interface SnapshotManifest {
  snapshotDate: string;
  url: string;
  tabs: Record<SheetTab, string>;
}

// Daily NK's market survey sheet: the rice and rate tabs as CSV (SOURCES.md section 1).
@Injectable()
export class DailyNkSheetSource implements PriceSource {
  readonly meta: SourceMeta = {
    id: 'dailynk-sheet',
    name: 'Daily NK market survey sheet',
    homeUrl: 'https://www.dailynk.com/english/market-trends/',
    credit:
      'Market prices surveyed by Daily NK (Seoul) in Pyongyang, Sinuiju and Hyesan; published in its public market-price sheet.',
  };
  readonly parserVersion = DAILYNK_SHEET_PARSER_VERSION;

  archiveDir = DAILYNK_SHEET_ARCHIVE_DIR;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  urlFor(tab: SheetTab): string {
    return this.config.sources['dailynk-sheet'].urlTemplate.replace(
      '{tab}',
      encodeURIComponent(tab),
    );
  }

  async fetchLive(http: HttpGetter): Promise<FetchedDocument[]> {
    const docs: FetchedDocument[] = [];
    for (const tab of TABS) docs.push(await http.get(this.urlFor(tab), tab));
    return docs;
  }

  async loadArchive(): Promise<FetchedDocument[]> {
    const manifest = JSON.parse(
      await readFile(path.join(this.archiveDir, 'snapshot.json'), 'utf8'),
    ) as SnapshotManifest;
    return Promise.all(
      TABS.map(async (tab) => ({
        url: manifest.url.replace('{tab}', tab),
        label: tab,
        body: await readFile(path.join(this.archiveDir, manifest.tabs[tab])),
        fetchedAt: new Date(`${manifest.snapshotDate}T00:00:00Z`),
        contentType: 'text/csv',
        provenance: 'archive' as const,
      })),
    );
  }

  parse(doc: FetchedDocument, ctx: ParseContext): ParseResult {
    if (!isSheetTab(doc.label)) {
      throw new SourceError(
        'bad_input',
        `unknown sheet tab "${doc.label}" (expected rice or rate)`,
      );
    }
    return parseDailyNkSheet(doc.body.toString('utf8'), doc.label, ctx);
  }
}
