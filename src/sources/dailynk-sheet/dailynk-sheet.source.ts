import { decodeBody } from '../shared/decode-body';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { declareSource, SourceSettings } from '../source-declaration';
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

const META: SourceMeta = {
  id: 'dailynk-sheet',
  name: 'Daily NK market survey sheet',
  homeUrl: 'https://www.dailynk.com/english/market-trends/',
  credit:
    'Market prices surveyed by Daily NK (Seoul) in Pyongyang, Sinuiju and Hyesan; published in its public market-price sheet.',
};

// Daily NK's market survey sheet: the rice and rate tabs as CSV (SOURCES.md section 1).
export class DailyNkSheetSource implements PriceSource {
  readonly meta = META;
  readonly parserVersion = DAILYNK_SHEET_PARSER_VERSION;

  archiveDir = DAILYNK_SHEET_ARCHIVE_DIR;

  constructor(private readonly settings: SourceSettings) {}

  urlFor(tab: SheetTab): string {
    return String(this.settings.url).replace('{tab}', encodeURIComponent(tab));
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
    return parseDailyNkSheet(decodeBody(doc), doc.label, ctx);
  }
}

export const DAILYNK_SHEET_SOURCE = declareSource({
  meta: META,
  preference: 10, // Daily NK's own curated series comes first
  settings: {
    url: {
      env: 'DAILYNK_SHEET_URL',
      kind: 'url-template',
      placeholder: '{tab}',
      default:
        'https://docs.google.com/spreadsheets/d/1l78JcbokjkdlJ1aSU6F8cuqgC0AbfMkuXOKWiEEbueo/gviz/tq?tqx=out:csv&sheet={tab}',
      description: 'URL template of the sheet CSV export, with {tab} for the rice and rate tabs',
    },
    cron: {
      env: 'DAILYNK_SHEET_CRON',
      kind: 'cron',
      default: '0 */6 * * *',
      description: 'cron expression (UTC) of its scheduled run',
    },
  },
  create: (settings) => new DailyNkSheetSource(settings),
});
