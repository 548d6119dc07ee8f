import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { failpoint } from '../common/failpoint';
import { instanceHost, isDeadLocalHolder, newHolder } from '../common/process-holder';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { bulkTransaction, copyNumber, copyText } from '../database/bulk-transaction';
import { PrismaService } from '../database/prisma.service';
import {
  parseTowerFile,
  TowerFileError,
  TowerFileFormat,
  TowerRejection,
} from './tower-file.parser';
import { insertCountries, isCountryCode } from '../common/countries';
import { BadInputError, ErrorKind, kindOf } from '../common/domain-error';
import type { SqlTx } from '../database/sql-tx';

export interface TowerImportReport {
  id: number;
  source: string;
  format: TowerFileFormat;
  country: string | null; // the country the import named (null: each OpenCelliD row's MCC decided)
  countries: Record<string, number>; // towers kept per country
  status: 'succeeded' | 'partial' | 'failed';
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  merged: number;
  rejected: number;
  rejections: TowerRejection[]; // rejected and merged rows with reasons (first 1,000)
  errorMessage: string | null;
  errorKind: ErrorKind | 'internal' | null;
}

// The run a tower import belongs to (ImportRunner opens it) and the check that may refuse its
// commit (the registry's lease).
export interface TowerWriteContext {
  runId?: number;
  fence?: (tx: SqlTx) => Promise<void>;
}

const SOURCE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const CHUNK = 10_000;

export class TowerImportInputError extends BadInputError {}

// The registry name and the country an import names, checked before anything is recorded.
export function checkTowerImportArgs(source: string, country: string | undefined): void {
  if (!SOURCE_NAME.test(source)) {
    throw new TowerImportInputError(
      `source: "${source}" must be 1-64 lower-case letters, digits, dots, dashes or underscores`,
    );
  }
  if (country !== undefined && !isCountryCode(country))
    throw new TowerImportInputError(
      `country: "${country}" is not an ISO 3166-1 alpha-3 country code`,
    );
}

// Imports a tower file as one transaction: every valid row (new towers inserted, changed ones
// updated, by the key source + external id) or nothing. The import ledger keeps the counts and the
// reason for every rejected or merged row.
@Injectable()
export class TowerImportService {
  private readonly logger = new Logger('TowerImport');
  private readonly host: string;
  private readonly holder: string;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.host = instanceHost(config);
    this.holder = newHolder(this.host);
  }

  // Imports left 'running' by a process that died (their one transaction never committed): on the
  // embedded database every one (the data-folder lock proves no other process runs), on a server
  // those of dead processes on this host.
  async abandonOrphans(): Promise<number> {
    const running = await this.prisma.towerImport.findMany({
      where: { status: 'running' },
      select: { id: true, holder: true },
    });
    const dead = running.filter(
      (r) => this.prisma.kind === 'pglite' || isDeadLocalHolder(r.holder, this.host),
    );
    if (!dead.length) return 0;
    const { count } = await this.prisma.towerImport.updateMany({
      where: { id: { in: dead.map((r) => r.id) }, status: 'running' },
      data: {
        status: 'abandoned',
        finishedAt: new Date(),
        errorMessage:
          'the process running it stopped before it finished (killed, crashed or lost power); nothing of it was written',
      },
    });
    return count;
  }

  // `body`: the file as a stream (the CLI's) or as text (an API upload, within its size cap)
  async import(
    body: Readable | string,
    format: TowerFileFormat,
    source: string,
    fileName?: string,
    country?: string,
    context: TowerWriteContext = {},
  ): Promise<TowerImportReport> {
    checkTowerImportArgs(source, country);
    const ledger = await this.prisma.towerImport.create({
      data: {
        source,
        format,
        country: country ?? null,
        fileName: fileName ?? null,
        holder: this.holder,
        runId: context.runId ?? null,
      },
    });
    const report: TowerImportReport = {
      id: ledger.id,
      source,
      format,
      country: country ?? null,
      countries: {},
      status: 'failed',
      rowsRead: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      merged: 0,
      rejected: 0,
      rejections: [],
      errorMessage: null,
      errorKind: null,
    };
    try {
      const parsed = await parseTowerFile(body, format, {
        dedupMeters: this.config.coverage.dedupMeters,
        country,
      });
      for (const t of parsed.towers)
        report.countries[t.country] = (report.countries[t.country] ?? 0) + 1;
      report.rowsRead = parsed.rowsRead;
      report.merged = parsed.mergedCount;
      report.rejected = parsed.rejectedCount;
      report.rejections = [...parsed.rejected, ...parsed.merged]
        .sort((a, b) => a.row - b.row)
        .slice(0, 1000);
      if (parsed.towers.length === 0)
        throw new TowerFileError(
          `no valid tower in the file (${parsed.rowsRead} rows read, ${parsed.rejectedCount} rejected)`,
        );
      // one transaction, the rows staged by COPY (bulk-transaction.ts), then one update of the
      // changed towers and one insert of the new ones
      await bulkTransaction(this.prisma, async (tx) => {
        await insertCountries(tx, Object.keys(report.countries));
        await tx.execute(`CREATE TEMP TABLE tower_stage (
          country text, external_id text, radio text, latitude float8, longitude float8, range_m int,
          samples int, first_seen date, first_seen_kind text, last_seen date, confidence float8,
          merged_rows int) ON COMMIT DROP`);
        for (let i = 0; i < parsed.towers.length; i += CHUNK) {
          let lines = '';
          for (const t of parsed.towers.slice(i, i + CHUNK))
            lines += `${copyText(t.country)}\t${copyText(t.externalId)}\t${copyText(t.radio)}\t${copyNumber(t.latitude)}\t${copyNumber(t.longitude)}\t${copyNumber(t.rangeM)}\t${copyNumber(t.samples)}\t${t.firstSeen}\t${copyText(t.firstSeenKind)}\t${copyText(t.lastSeen)}\t${copyNumber(t.confidence)}\t${t.mergedRows.length}\n`;
          await tx.copy(
            'tower_stage (country, external_id, radio, latitude, longitude, range_m, samples, first_seen, first_seen_kind, last_seen, confidence, merged_rows)',
            lines,
          );
        }
        const changed = `(t.country <> s.country OR t.radio IS DISTINCT FROM s.radio OR t.latitude <> s.latitude OR t.longitude <> s.longitude
          OR t.range_m IS DISTINCT FROM s.range_m OR t.samples IS DISTINCT FROM s.samples OR t.first_seen <> s.first_seen
          OR t.first_seen_kind <> s.first_seen_kind OR t.last_seen IS DISTINCT FROM s.last_seen OR t.confidence IS DISTINCT FROM s.confidence)`;
        report.updated = await tx.execute(
          `UPDATE tower t SET country = s.country, radio = s.radio, latitude = s.latitude, longitude = s.longitude, range_m = s.range_m, samples = s.samples,
             first_seen = s.first_seen, first_seen_kind = s.first_seen_kind, last_seen = s.last_seen, confidence = s.confidence,
             merged_rows = s.merged_rows, import_id = $2::int, updated_at = now()
           FROM tower_stage s WHERE t.source = $1 AND t.external_id = s.external_id AND ${changed}`,
          source,
          ledger.id,
        );
        report.inserted = await tx.execute(
          `INSERT INTO tower (country, source, external_id, radio, latitude, longitude, range_m, samples, first_seen, first_seen_kind, last_seen, confidence, merged_rows, import_id)
           SELECT country, $1, external_id, radio, latitude, longitude, range_m, samples, first_seen, first_seen_kind, last_seen, confidence, merged_rows, $2::int
           FROM tower_stage ON CONFLICT (source, external_id) DO NOTHING`,
          source,
          ledger.id,
        );
        report.unchanged = parsed.towers.length - report.inserted - report.updated;
        await context.fence?.(tx);
        await failpoint('towers:before-commit');
      });
      report.status = report.rejected > 0 ? 'partial' : 'succeeded';
    } catch (err) {
      report.status = 'failed';
      report.inserted = report.updated = report.unchanged = 0;
      report.countries = {}; // nothing was kept
      report.errorMessage = (err as Error).message;
      report.errorKind = kindOf(err) ?? 'internal';
      this.logger.warn(
        `tower import ${ledger.id} (${source}, ${format}) failed: ${report.errorMessage}`,
      );
    }
    await this.prisma.towerImport.update({
      where: { id: ledger.id },
      data: {
        finishedAt: new Date(),
        status: report.status,
        rowsRead: report.rowsRead,
        inserted: report.inserted,
        updated: report.updated,
        unchanged: report.unchanged,
        merged: report.merged,
        rejected: report.rejected,
        rejections: report.rejections.map((r) => ({ row: r.row, reason: r.reason })),
        errorMessage: report.errorMessage,
      },
    });
    return report;
  }

  async list(limit = 50) {
    return this.prisma.towerImport.findMany({
      orderBy: { id: 'desc' },
      take: limit,
      omit: { rejections: true },
    });
  }
}
