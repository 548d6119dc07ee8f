import type { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { insertCountries } from '../common/countries';
import { CsvBatch, csvBatches } from '../common/csv-batches';
import { asDomainError, BadInputError, kindOf, StorageFullError } from '../common/domain-error';
import { PrismaService } from '../database/prisma.service';
import type { SqlTx } from '../database/sql-tx';
import { RunStatus, RunTrigger } from '../generated/prisma/enums';
import {
  SubscriptionImportReport,
  SubscriptionImportService,
} from '../coverage/subscription-import.service';
import type { TowerFileFormat } from '../sources/shared/file-importer';
import {
  checkTowerImportArgs,
  TowerImportReport,
  TowerImportService,
} from '../coverage/tower-import.service';
import {
  ObservationInput,
  ObservationWriterService,
  PendingStatistics,
} from '../prices/observation-writer.service';
import { ReferenceDataService, SourceRow } from '../prices/reference-data.service';
import {
  IMPORTER_LIST,
  PRICE_FILE_IMPORTERS,
  recogniseFile,
  SUBSCRIPTION_FILE_IMPORTER,
  TOWER_FILE_IMPORTER,
} from '../sources/importer-registry';
import { FILE_HEAD_BYTES, fileHead } from '../sources/shared/file-importer';
import type {
  ImportContext,
  PriceFileImporter,
  PriceFileReader,
  PriceFileRow,
} from '../sources/shared/price-file';
import { RunInProgressError } from './ingestion.service';
import { RunLedgerService, RunView } from './run-ledger.service';
import { SourceLeaseService } from './source-lease.service';

const BATCH = 5_000;
const KEPT_REJECTIONS = 1_000;

export interface FileImportReport {
  run: RunView;
  importer: string;
  country: string; // the file's country (a file of several: the one with the most rows)
  countries: Record<string, number>; // rows stored per country
  rowsRead: number;
  // records that are not observations by the format's rules (the HXL tag row, forecasts)
  skipped: Record<string, number>;
  averageMarketRows: number; // rows of markets that are averages of others (stored as regions)
  aggregateRows: number; // monthly prices computed from a market's own weekly prices (kept)
  rejections: { row: number; reason: string }[]; // the first 1,000
}

// How a run of an import ended, for the ledger: its counts, the first 1,000 refusals, and the
// error of a failed one (a failure the import reports rather than throws).
interface RunOutcome {
  status: RunStatus;
  counts: { inserted: number; updated: number; unchanged: number; rejected: number };
  rowsParsed?: number;
  warning?: string;
  rejections: { row: number; reason: string }[];
  error?: { kind: string; message: string };
  countries?: string[]; // where the rows written are (a price file's countries)
}

// A tower import's report as its run's outcome (the merged rows are the run's warning).
function towerOutcome(r: TowerImportReport): RunOutcome {
  return {
    status: r.status,
    counts: {
      inserted: r.inserted,
      updated: r.updated,
      unchanged: r.unchanged,
      rejected: r.rejected,
    },
    rowsParsed: r.rowsRead - r.rejected,
    warning: r.merged
      ? `${r.merged} rows merged into a tower within the dedup distance`
      : undefined,
    rejections: r.rejections.map((x) => ({ row: x.row, reason: x.reason })),
    error:
      r.status === 'failed'
        ? { kind: r.errorKind ?? 'internal', message: r.errorMessage ?? 'failed' }
        : undefined,
  };
}

// A tower file's format from its first lines (an upload's text; a stream must name it).
function towerFormatOf(body: Readable | string): TowerFileFormat {
  if (typeof body !== 'string')
    throw new BadInputError(
      `format: name the tower file's format (${TOWER_FILE_IMPORTER.formats.join(', ')})`,
    );
  const format = TOWER_FILE_IMPORTER.formatOf(fileHead(body.slice(0, FILE_HEAD_BYTES)));
  if (!format)
    throw new BadInputError(
      `format: the file's first lines are not a tower file (${TOWER_FILE_IMPORTER.layout}); name its format (${TOWER_FILE_IMPORTER.formats.join(', ')})`,
    );
  return format;
}

export interface PriceImportOptions extends ImportContext {
  importer?: string; // an importer id; none (or the alias wfp): recognised from the header
  trigger: RunTrigger;
  sourceUrl?: string;
  // several files in one call: the statistics refresh each import would run is added here and
  // run once by settleStatistics after the last file (twenty 49,500-row files into PostgreSQL:
  // twenty ANALYZEs were 5.6 s of a 28 s import, bench/wfp-import.cjs)
  statistics?: PendingStatistics;
}

// The header and second record of a file, and the batches read to find them.
async function peek(
  batches: AsyncIterator<CsvBatch>,
): Promise<{ header?: string[]; second?: string[]; read: CsvBatch[] }> {
  const read: CsvBatch[] = [];
  let count = 0;
  while (count < 2) {
    const next = await batches.next();
    if (next.done) break;
    read.push(next.value);
    count += next.value.rows.length;
  }
  const rows = read.flatMap((b) => b.rows).slice(0, 2);
  return { header: rows[0], second: rows[1], read };
}

export function chooseImporter(
  id: string | undefined,
  header: string[],
  second: string[] | undefined,
): PriceFileImporter {
  if (id && id !== 'wfp') {
    const named = PRICE_FILE_IMPORTERS.find((i) => i.id === id);
    if (!named)
      throw new BadInputError(`importer: unknown importer "${id}" (importers: ${IMPORTER_LIST})`);
    return named;
  }
  const found = PRICE_FILE_IMPORTERS.find((i) => i.recognises(header, second));
  if (found) return found;
  // a tower registry or a subscriptions table sent as a price file: say which importer reads it
  const whole = recogniseFile({ header, second, text: [header, second ?? []].join('\n') });
  if (whole)
    throw new BadInputError(
      `importer: the file is not a price file but ${whole.name}: import it with import ${whole.id} <file> (POST /api/imports/${whole.id})`,
    );
  throw new BadInputError(
    `importer: the file's header (${header.slice(0, 20).join(',')}) matches no importer; name one (import <importer> <file>, POST /api/imports/{importer}) of: ${IMPORTER_LIST}`,
  );
}

// Imports a price file through its format's declaration (sources/importer-registry.ts): read as a
// stream (memory holds a few batches whatever the file's size), every record checked (a refused
// one is counted with its reason, never stored), and the valid rows written with the countries,
// markets and commodities they need in one transaction: the whole file or nothing. One run in the
// ledger, as for the scrapers; re-importing inserts nothing and a changed price is a revision.
@Injectable()
export class ImportRunner {
  private readonly logger = new Logger('ImportRunner');

  constructor(
    private readonly writer: ObservationWriterService,
    private readonly ledger: RunLedgerService,
    private readonly leases: SourceLeaseService,
    private readonly reference: ReferenceDataService,
    private readonly prisma: PrismaService,
    private readonly towers: TowerImportService,
    private readonly subscriptions: SubscriptionImportService,
  ) {}

  async importPrices(input: Readable, opts: PriceImportOptions): Promise<FileImportReport> {
    const records = csvBatches(input)[Symbol.asyncIterator]();
    const { header: raw, second, read } = await peek(records);
    if (!raw) throw new BadInputError('file: the file is empty: no header row');
    const header = raw.map((h) => h.trim().toLowerCase());
    const importer = chooseImporter(opts.importer, header, second);
    const reader = importer.reader(header, second, opts);
    return this.ledgered(importer.source, opts.trigger, (runId, fence) =>
      this.run(importer, reader, read, records, opts, runId, fence),
    );
  }

  // The statistics refresh that imports with `statistics` left to be run once, after the last.
  settleStatistics(pending: PendingStatistics): Promise<void> {
    return this.writer.refreshStatistics(pending.inserted, pending.countries);
  }

  // A tower registry's file as a run of its own source (towers:<registry>, GET /api/sources): two
  // imports of one registry never overlap (its lease), the run is in the ledger with its counts
  // and refusals, and the lease is checked before the commit. The tower ledger (GET
  // /api/coverage/tower-imports) keeps what only towers have: the format and the merged rows.
  async importTowers(
    body: Readable | string,
    opts: {
      format?: TowerFileFormat; // without it, recognised from the file's first lines
      source: string;
      fileName?: string;
      country?: string;
      trigger: RunTrigger;
    },
  ): Promise<TowerImportReport & { run: RunView }> {
    checkTowerImportArgs(opts.source, opts.country);
    const { source, fileName, country, trigger } = opts;
    const format = opts.format ?? towerFormatOf(body);
    const meta = { ...TOWER_FILE_IMPORTER.source(source, format), writes: 'towers' as const };
    return this.ledgered(meta, trigger, async (runId, fence) => {
      const r = await this.towers.import(body, format, source, fileName, country, {
        runId,
        fence,
      });
      return { result: r, outcome: towerOutcome(r) };
    });
  }

  // A subscriptions file (WDI or long) as a run of the subscriptions source. A file with no usable
  // value is still refused (400), and its run recorded as failed.
  async importSubscriptions(
    text: string,
    opts: { fileName?: string; trigger: RunTrigger },
  ): Promise<SubscriptionImportReport & { run: RunView }> {
    return this.ledgered(
      { ...SUBSCRIPTION_FILE_IMPORTER.source, writes: 'subscriptions' },
      opts.trigger,
      async (_runId, fence) => {
        const r = await this.subscriptions.import(text, opts.fileName, fence);
        return {
          result: r,
          outcome: {
            status: r.rejected > 0 ? 'partial' : 'succeeded',
            counts: {
              inserted: r.inserted,
              updated: r.updated,
              unchanged: r.unchanged,
              rejected: r.rejected,
            },
            rowsParsed: r.points,
            rejections: r.rejections,
          },
        };
      },
    );
  }

  // Every import is a run: its source registered, its lease taken (another instance importing the
  // same source: a conflict), the run opened, the work done inside it, and the run closed with the
  // outcome the work reports, or as failed with the kind of what it threw (rethrown: a full disk
  // is the caller's to hear as such, a refused file its 400).
  private async ledgered<T>(
    source: SourceRow,
    trigger: RunTrigger,
    work: (
      runId: number,
      fence: (tx: SqlTx) => Promise<void>,
    ) => Promise<{ result: T; outcome: RunOutcome }>,
  ): Promise<T & { run: RunView }> {
    await this.reference.registerSources([source]);
    if (!(await this.leases.acquire(source.id))) {
      const lease = await this.leases.current(source.id);
      throw new RunInProgressError(
        source.id,
        `on another instance (${lease?.holder ?? 'unknown'})`,
      );
    }
    try {
      const runId = await this.ledger.start(source.id, trigger, 'import', this.leases.holder);
      let done: { result: T; outcome: RunOutcome };
      try {
        done = await work(runId, (tx) => this.leases.fence(tx, source.id));
      } catch (err) {
        const known = asDomainError(err);
        const message = (known as Error).message;
        this.logger.warn(`${source.id} import run ${runId} failed: ${message}`);
        await this.ledger.finish(
          runId,
          'failed',
          { inserted: 0, updated: 0, unchanged: 0, rejected: 0 },
          { kind: kindOf(err) ?? 'internal', message },
        );
        if (kindOf(err) === 'storage_full')
          throw new StorageFullError(`${message} (run ${runId} is recorded as failed)`);
        throw known;
      }
      const { outcome } = done;
      if (outcome.error)
        this.logger.warn(`${source.id} import run ${runId} failed: ${outcome.error.message}`);
      const run = await this.ledger.finish(runId, outcome.status, outcome.counts, outcome.error, {
        rowsParsed: outcome.rowsParsed,
        warning: outcome.warning,
        countries: outcome.countries,
      });
      await this.ledger.saveRejections(runId, outcome.rejections);
      return { ...done.result, run };
    } finally {
      await this.leases.release(source.id);
    }
  }

  // The markets and commodities this source's codes already name (a few thousand at most).
  private async knownCodes(sourceId: string): Promise<PublisherCodes> {
    const prefix = `${sourceId}:`;
    const [markets, commodities] = await Promise.all([
      this.prisma.$queryRawUnsafe<{ country: string; code: string; id: string }[]>(
        `SELECT country, external_id AS code, id FROM market WHERE starts_with(external_id, $1)`,
        prefix,
      ),
      this.prisma.$queryRawUnsafe<{ code: string; id: string }[]>(
        `SELECT external_id AS code, id FROM commodity WHERE starts_with(external_id, $1)`,
        prefix,
      ),
    ]);
    return new PublisherCodes(
      prefix,
      new Map(markets.map((m) => [`${m.country}/${m.code}`, m.id])),
      new Map(commodities.map((c) => [c.code, c.id])),
    );
  }

  private async run(
    importer: PriceFileImporter,
    reader: PriceFileReader,
    first: CsvBatch[],
    rest: AsyncIterator<CsvBatch>,
    opts: PriceImportOptions,
    runId: number,
    fence: (tx: SqlTx) => Promise<void>,
  ): Promise<{ result: Omit<FileImportReport, 'run'>; outcome: RunOutcome }> {
    const source = importer.source;
    const fetchedAt = new Date();
    const sourceUrl = opts.sourceUrl ?? `file:${opts.fileName ?? 'upload'}`;
    const parserVersion = importer.parserVersion;
    const rejections: { row: number; reason: string }[] = [];
    const skipped: Record<string, number> = {};
    const countries: Record<string, number> = {};
    let rejected = 0;
    let rowsRead = 0;
    let valid = 0;
    let averageMarketRows = 0;
    let aggregateRows = 0;
    const fileMarkets = new Map<string, PriceFileRow>();
    const fileCommodities = new Map<string, PriceFileRow>();
    const codes = await this.knownCodes(source.id);

    async function* allBatches(): AsyncGenerator<CsvBatch> {
      yield* first;
      for (;;) {
        const next = await rest.next();
        if (next.done) return;
        yield next.value;
      }
    }

    async function* batches(): AsyncGenerator<ObservationInput[]> {
      let batch: ObservationInput[] = [];
      let header = true;
      const refuse = (reason: string) => {
        rejected++;
        if (rejections.length < KEPT_REJECTIONS) rejections.push({ row: rowsRead + 1, reason });
      };
      for await (const chunk of allBatches()) {
        const broken = new Map(chunk.errors.map((e) => [e.row, e.message]));
        for (const fields of chunk.rows) {
          if (header) {
            header = false;
            continue;
          }
          rowsRead++; // records after the header: record n is the file's row n + 1
          const csvError = broken.get(rowsRead);
          if (csvError !== undefined) {
            refuse(`csv: ${csvError}`);
            continue;
          }
          const verdict = reader.read(fields);
          if ('skip' in verdict) {
            skipped[verdict.skip] = (skipped[verdict.skip] ?? 0) + 1;
            continue;
          }
          if ('reason' in verdict) {
            refuse(verdict.reason);
            continue;
          }
          const r = codes.key(verdict.row);
          valid++;
          countries[r.country] = (countries[r.country] ?? 0) + 1;
          if (r.marketIsAverage) averageMarketRows++;
          if (r.flag === 'aggregated') aggregateRows++;
          if (!fileMarkets.has(r.marketId)) fileMarkets.set(r.marketId, r);
          if (!fileCommodities.has(r.commodityId)) fileCommodities.set(r.commodityId, r);
          // a batch is of one country (WFP's global file holds many, one after another): each
          // country's first import is then stored straight (ObservationWriterService)
          if (batch.length > 0 && batch[0].country !== r.country) {
            yield batch;
            batch = [];
          }
          // the row itself, with the import's provenance, is the observation to store (a copy of
          // it was a second object per row, alive as long as its batch)
          const o = r as PriceFileRow & ObservationInput;
          o.sourceUrl = sourceUrl;
          o.fetchedAt = fetchedAt;
          o.parserVersion = parserVersion;
          batch.push(o);
          if (batch.length >= BATCH) {
            yield batch;
            batch = [];
          }
        }
      }
      if (batch.length) yield batch;
    }

    const references = new ReferenceRows(fileMarkets, fileCommodities, source.id);
    const country = () =>
      reader.country ??
      Object.entries(countries).sort((a, b) => b[1] - a[1])[0]?.[0] ??
      opts.country ??
      'unknown';
    const report = (): Omit<FileImportReport, 'run'> => ({
      importer: importer.id,
      country: country(),
      countries,
      rowsRead,
      skipped,
      averageMarketRows,
      aggregateRows,
      rejections,
    });
    try {
      const written = await this.writer.writeStream(source.id, runId, batches(), {
        // a file of one country: every market of the write must be in it
        country: reader.country,
        beforeBatch: (tx, batch) =>
          references.ensure(
            tx,
            batch.map((r) => r.marketId),
            batch.map((r) => r.commodityId),
          ),
        beforeApply: (tx) => references.ensure(tx, fileMarkets.keys(), fileCommodities.keys()),
        fence,
      });
      if (valid === 0)
        throw new BadInputError(
          `file: no valid row in the file (${rowsRead} read, ${rejected} refused${
            Object.keys(skipped).length
              ? `, ${Object.entries(skipped)
                  .map(([k, n]) => `${n} ${k}`)
                  .join(', ')} skipped`
              : ''
          })`,
        );
      if (opts.statistics) opts.statistics.add(written.inserted, Object.keys(countries));
      else await this.writer.refreshStatistics(written.inserted, Object.keys(countries));
      return {
        result: report(),
        outcome: {
          status: rejected + written.duplicates > 0 ? 'partial' : 'succeeded',
          counts: {
            inserted: written.inserted,
            updated: written.updated,
            unchanged: written.unchanged,
            rejected: rejected + written.duplicates,
          },
          rowsParsed: valid,
          countries: Object.keys(countries),
          warning: written.duplicates
            ? `${written.duplicates} rows repeated a key (market, commodity, price type, unit, date) of the file: the last one was kept`
            : undefined,
          rejections,
        },
      };
    } catch (err) {
      // a full disk is not the file's fault: thrown, so the caller hears it as such (507, exit 1)
      if (kindOf(err) === 'storage_full') throw err;
      // anything else fails this file's run, which answers with its refusals so far
      return {
        result: report(),
        outcome: {
          status: 'failed',
          counts: { inserted: 0, updated: 0, unchanged: 0, rejected },
          rejections,
          error: {
            kind: kindOf(err) ?? 'internal',
            message: (asDomainError(err) as Error).message,
          },
        },
      };
    }
  }
}

// A row's market and commodity by the publisher's codes where the file has them: a code already
// stored (by this source, in another layout or spelling) keeps its market and commodity; a new
// code takes the id its names make, for every later row of the file.
class PublisherCodes {
  constructor(
    private readonly prefix: string,
    private readonly markets: Map<string, string>,
    private readonly commodities: Map<string, string>,
  ) {}

  key(r: PriceFileRow): PriceFileRow {
    let out = r;
    if (r.marketCode) {
      const k = `${r.country}/${this.prefix}${r.marketCode}`;
      const id = this.markets.get(k);
      if (id === undefined) this.markets.set(k, r.marketId);
      else if (id !== r.marketId) out = { ...out, marketId: id };
    }
    if (r.commodityCode) {
      const k = `${this.prefix}${r.commodityCode}`;
      const id = this.commodities.get(k);
      if (id === undefined) this.commodities.set(k, r.commodityId);
      else if (id !== r.commodityId) out = { ...out, commodityId: id };
    }
    return out;
  }
}

// The countries, markets and commodities a file's rows need, written in the write's own
// transaction (PGlite has one connection) before the rows that reference them; each once per
// import.
class ReferenceRows {
  private readonly countries = new Set<string>();
  private readonly markets = new Set<string>();
  private readonly commodities = new Set<string>();

  constructor(
    private readonly fileMarkets: Map<string, PriceFileRow>,
    private readonly fileCommodities: Map<string, PriceFileRow>,
    private readonly sourceId: string,
  ) {}

  private code(code: string | undefined): string | null {
    return code ? `${this.sourceId}:${code}` : null;
  }

  async ensure(tx: SqlTx, marketIds: Iterable<string>, commodityIds: Iterable<string>) {
    const markets = [...new Set(marketIds)].filter((id) => !this.markets.has(id));
    const rows = markets.map((id) => this.fileMarkets.get(id)!);
    const newCountries = [...new Set(rows.map((r) => r.country))].filter(
      (c) => !this.countries.has(c),
    );
    if (newCountries.length) {
      await insertCountries(tx, newCountries);
      for (const c of newCountries) this.countries.add(c);
    }
    if (markets.length) {
      await tx.execute(
        `INSERT INTO market (id, country, name, admin1, admin2, latitude, longitude, kind, external_id)
         SELECT id, country, name, admin1, admin2, latitude, longitude, kind::"MarketKind", external_id
         FROM json_to_recordset($1::json) AS x(id text, country text, name text, admin1 text, admin2 text,
              latitude float8, longitude float8, kind text, external_id text)
         ON CONFLICT (id) DO UPDATE SET latitude = coalesce(excluded.latitude, market.latitude),
           longitude = coalesce(excluded.longitude, market.longitude),
           external_id = coalesce(market.external_id, excluded.external_id),
           -- a market imported before averages were recognised becomes a region on re-import
           kind = CASE WHEN excluded.kind = 'region' THEN excluded.kind ELSE market.kind END
         WHERE market.country = excluded.country`,
        JSON.stringify(
          markets.map((id, i) => ({
            id,
            country: rows[i].country,
            name: rows[i].market.name,
            admin1: rows[i].market.admin1,
            admin2: rows[i].market.admin2,
            latitude: rows[i].market.latitude,
            longitude: rows[i].market.longitude,
            // an average of other markets is a region: statistics leave it out unless named
            kind: rows[i].marketIsAverage ? 'region' : 'city',
            external_id: this.code(rows[i].marketCode),
          })),
        ),
      );
      for (const id of markets) this.markets.add(id);
    }
    const commodities = [...new Set(commodityIds)].filter((id) => !this.commodities.has(id));
    if (commodities.length) {
      await tx.execute(
        `INSERT INTO commodity (id, name, category, category_raw, default_unit, default_currency, external_id)
         SELECT id, name, category::"CommodityCategory", category_raw, default_unit, default_currency, external_id
         FROM json_to_recordset($1::json) AS x(id text, name text, category text, category_raw text,
              default_unit text, default_currency text, external_id text)
         ON CONFLICT (id) DO UPDATE SET external_id = coalesce(commodity.external_id, excluded.external_id)
         WHERE commodity.external_id IS NULL`,
        JSON.stringify(
          commodities.map((id) => {
            const r = this.fileCommodities.get(id)!;
            return {
              id,
              name: r.commodity.name,
              category: /non[- ]?food/i.test(r.commodity.category) ? 'other' : 'food',
              category_raw: r.commodity.category || null,
              default_unit: r.unit,
              default_currency: r.currency,
              external_id: this.code(r.commodityCode),
            };
          }),
        ),
      );
      for (const id of commodities) this.commodities.add(id);
    }
  }
}
