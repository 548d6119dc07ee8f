import type { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { insertCountries, isCountryCode } from '../common/countries';
import type { SqlTx } from '../database/sql-tx';
import { csvBatches } from '../common/csv-batches';
import { RunTrigger } from '../generated/prisma/enums';
import { ObservationInput, ObservationWriterService } from '../prices/observation-writer.service';
import { ReferenceDataService } from '../prices/reference-data.service';
import {
  checkHeader,
  countryOfFile,
  columnIndex,
  parseWfpFields,
  WfpColumnIndex,
  WFP_HDX_META,
  WFP_HDX_PARSER_VERSION,
  WfpFileError,
  WfpRow,
} from '../sources/wfp-hdx/wfp-hdx.parser';
import { RunInProgressError } from './ingestion.service';
import { RunLedgerService, RunView } from './run-ledger.service';
import { SourceLeaseService } from './source-lease.service';
import { kindOf } from '../common/domain-error';

const BATCH = 5_000;
const KEPT_REJECTIONS = 1_000;

export interface FileImportReport {
  run: RunView;
  country: string;
  rowsRead: number;
  rejections: { row: number; reason: string }[]; // the first 1,000
}

// Imports a WFP/HDX food-price file: read as a stream (memory holds one batch whatever the file's
// size), every row checked (a refused row is counted with its reason, never stored), and the valid
// rows written with the markets, commodities and country they need in one transaction: the whole
// file or nothing. One run in the ledger, as for the scrapers; re-importing inserts nothing and a
// changed price becomes a revision.
@Injectable()
export class WfpImportService {
  private readonly logger = new Logger('WfpImport');

  constructor(
    private readonly writer: ObservationWriterService,
    private readonly ledger: RunLedgerService,
    private readonly leases: SourceLeaseService,
    private readonly reference: ReferenceDataService,
  ) {}

  async import(
    input: Readable,
    opts: { fileName?: string; country?: string; trigger: RunTrigger; sourceUrl?: string },
  ): Promise<FileImportReport> {
    const iso3 = countryOfFile(opts.fileName, opts.country);
    if (!isCountryCode(iso3))
      throw new WfpFileError(`country: ${iso3} is not an ISO 3166-1 alpha-3 country code`);
    await this.reference.registerSources([WFP_HDX_META]);
    if (!(await this.leases.acquire(WFP_HDX_META.id))) {
      const lease = await this.leases.current(WFP_HDX_META.id);
      throw new RunInProgressError(
        WFP_HDX_META.id,
        `on another instance (${lease?.holder ?? 'unknown'})`,
      );
    }
    try {
      return await this.run(input, iso3, opts);
    } finally {
      await this.leases.release(WFP_HDX_META.id);
    }
  }

  private async run(
    input: Readable,
    iso3: string,
    opts: { fileName?: string; trigger: RunTrigger; sourceUrl?: string },
  ): Promise<FileImportReport> {
    const runId = await this.ledger.start(
      WFP_HDX_META.id,
      opts.trigger,
      'import',
      this.leases.holder,
    );
    const fetchedAt = new Date();
    const sourceUrl = opts.sourceUrl ?? `file:${opts.fileName ?? 'upload'}`;
    const rejections: { row: number; reason: string }[] = [];
    let rejected = 0;
    let rowsRead = 0;
    let valid = 0;
    const fileMarkets = new Map<string, WfpRow>();
    const fileCommodities = new Map<string, WfpRow>();

    async function* batches(): AsyncGenerator<ObservationInput[]> {
      let batch: ObservationInput[] = [];
      let ix: WfpColumnIndex | undefined;
      const refuse = (reason: string) => {
        rejected++;
        if (rejections.length < KEPT_REJECTIONS) rejections.push({ row: rowsRead + 1, reason });
      };
      for await (const chunk of csvBatches(input)) {
        const broken = new Map(chunk.errors.map((e) => [e.row, e.message]));
        for (const fields of chunk.rows) {
          if (!ix) {
            const names = fields.map((h) => h.trim().toLowerCase());
            checkHeader(names);
            ix = columnIndex(names);
            continue;
          }
          rowsRead++; // records after the header: record n is the file's row n + 1
          const csvError = broken.get(rowsRead);
          if (csvError !== undefined) {
            refuse(`csv: ${csvError}`);
            continue;
          }
          // the HXL tag row
          if (rowsRead === 1 && (fields[ix.date] ?? '').trim().startsWith('#')) continue;
          const parsed = parseWfpFields(fields, ix, iso3);
          if ('reason' in parsed) {
            refuse(parsed.reason);
            continue;
          }
          const r = parsed.row;
          valid++;
          if (!fileMarkets.has(r.marketId)) fileMarkets.set(r.marketId, r);
          if (!fileCommodities.has(r.commodityId)) fileCommodities.set(r.commodityId, r);
          batch.push({
            marketId: r.marketId,
            commodityId: r.commodityId,
            surveyDate: r.surveyDate,
            value: r.value,
            unit: r.unit,
            priceType: r.priceType,
            currency: r.currency,
            usdValue: r.usdValue,
            priceFlag: r.priceFlag,
            rawValue: r.rawValue,
            flag: r.flag,
            sourceUrl,
            fetchedAt,
            parserVersion: WFP_HDX_PARSER_VERSION,
          });
          if (batch.length >= BATCH) {
            yield batch;
            batch = [];
          }
        }
      }
      if (!ix) throw new WfpFileError('the file is empty: no header row');
      if (batch.length) yield batch;
    }

    // The reference rows the file needs, in the write's own transaction (PGlite has one
    // connection): before each batch that is stored straight (a country's first import), or once
    // every row is staged. Each market and commodity is written once per import.
    const referenced = {
      country: false,
      markets: new Set<string>(),
      commodities: new Set<string>(),
    };
    const ensureReferences = async (
      tx: SqlTx,
      marketIds: Iterable<string>,
      commodityIds: Iterable<string>,
    ): Promise<void> => {
      if (!referenced.country) {
        await insertCountries(tx, [iso3]);
        referenced.country = true;
      }
      const markets = [...new Set(marketIds)].filter((id) => !referenced.markets.has(id));
      if (markets.length) {
        const rows = markets.map((id) => {
          const r = fileMarkets.get(id)!;
          return {
            id,
            country: iso3,
            name: r.market.name,
            admin1: r.market.admin1,
            admin2: r.market.admin2,
            latitude: r.market.latitude,
            longitude: r.market.longitude,
            kind: /national average|average/i.test(r.market.name) ? 'region' : 'city',
          };
        });
        await tx.execute(
          `INSERT INTO market (id, country, name, admin1, admin2, latitude, longitude, kind)
           SELECT id, country, name, admin1, admin2, latitude, longitude, kind::"MarketKind"
           FROM json_to_recordset($1::json) AS x(id text, country text, name text, admin1 text, admin2 text,
                latitude float8, longitude float8, kind text)
           ON CONFLICT (id) DO UPDATE SET latitude = coalesce(excluded.latitude, market.latitude),
             longitude = coalesce(excluded.longitude, market.longitude)
           WHERE market.country = excluded.country`,
          JSON.stringify(rows),
        );
        for (const id of markets) referenced.markets.add(id);
      }
      const commodities = [...new Set(commodityIds)].filter(
        (id) => !referenced.commodities.has(id),
      );
      if (commodities.length) {
        const rows = commodities.map((id) => {
          const r = fileCommodities.get(id)!;
          return {
            id,
            name: r.commodity.name,
            category: /non[- ]?food/i.test(r.commodity.category) ? 'other' : 'food',
            category_raw: r.commodity.category || null,
            default_unit: r.unit,
            default_currency: r.currency,
          };
        });
        await tx.execute(
          `INSERT INTO commodity (id, name, category, category_raw, default_unit, default_currency)
           SELECT id, name, category::"CommodityCategory", category_raw, default_unit, default_currency
           FROM json_to_recordset($1::json) AS x(id text, name text, category text, category_raw text,
                default_unit text, default_currency text)
           ON CONFLICT (id) DO NOTHING`,
          JSON.stringify(rows),
        );
        for (const id of commodities) referenced.commodities.add(id);
      }
    };

    try {
      const written = await this.writer.writeStream(WFP_HDX_META.id, runId, batches(), {
        country: iso3,
        beforeBatch: (tx, batch) =>
          ensureReferences(
            tx,
            batch.map((r) => r.marketId),
            batch.map((r) => r.commodityId),
          ),
        beforeApply: (tx) => ensureReferences(tx, fileMarkets.keys(), fileCommodities.keys()),
        fence: (tx) => this.leases.fence(tx, WFP_HDX_META.id),
      });
      if (valid === 0)
        throw new WfpFileError(`no valid row in the file (${rowsRead} read, ${rejected} refused)`);
      const run = await this.ledger.finish(
        runId,
        rejected + written.duplicates > 0 ? 'partial' : 'succeeded',
        {
          inserted: written.inserted,
          updated: written.updated,
          unchanged: written.unchanged,
          rejected: rejected + written.duplicates,
        },
        undefined,
        {
          rowsParsed: valid,
          warning: written.duplicates
            ? `${written.duplicates} rows repeated a key (market, commodity, price type, unit, date) of the file: the last one was kept`
            : undefined,
        },
      );
      await this.ledger.saveRejections(runId, rejections);
      return { run, country: iso3, rowsRead, rejections };
    } catch (err) {
      const message = (err as Error).message;
      this.logger.warn(`WFP import run ${runId} (${iso3}) failed: ${message}`);
      const run = await this.ledger.finish(
        runId,
        'failed',
        { inserted: 0, updated: 0, unchanged: 0, rejected },
        { kind: kindOf(err) ?? 'internal', message },
      );
      await this.ledger.saveRejections(runId, rejections);
      return { run, country: iso3, rowsRead, rejections };
    }
  }
}
