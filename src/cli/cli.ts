import { BadRequestException } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { logLevels } from '../app.factory';
import { AppModule } from '../app.module';
import { AppConfig, ConfigError, loadConfig } from '../config/app-config';
import { DataDirBusyError, LockInfo, readLiveLock } from '../database/data-dir-lock';
import { PrismaService } from '../database/prisma.service';
import {
  IngestionService,
  RunInProgressError,
  RunMode,
  UnknownSourceError,
} from '../ingestion/ingestion.service';
import { RunLedgerService, RunView } from '../ingestion/run-ledger.service';
import { FileImportReport, WfpImportService } from '../ingestion/wfp-import.service';
import { WfpFileError } from '../sources/wfp-hdx/wfp-hdx.parser';
import { readCsvRecords, REFERENCE_DIR, splitAliases } from '../prices/reference-data.service';
import { createSources } from '../sources/source-registry';
import { SourceError } from '../sources/source.error';
import { StartupService } from '../startup.service';
import {
  ConvergenceReport,
  ConvergenceReportService,
} from '../analysis/convergence-report.service';
import { reportMarkdown } from '../analysis/report-markdown';
import { PanelService } from '../analysis/panel.service';
import { UnknownIdError } from '../prices/prices.service';
import { TOWER_FILE_FORMATS, TowerFileFormat } from '../coverage/tower-file.parser';
import { TowerImportReport, TowerImportService } from '../coverage/tower-import.service';
import {
  SubscriptionImportReport,
  SubscriptionImportService,
} from '../coverage/subscription-import.service';
import { SubscriptionFileError } from '../coverage/subscriptions-file.parser';

export const USAGE = `usage: npm run cli -- <command>

  migrate                                   apply pending database migrations
  ingest <source>|all [--archive]           run a source now (--archive: the snapshot shipped in data/archive)
  runs [--source S] [--limit N]             the run ledger, newest first
  replay <source>|all [--since YYYY-MM-DD]  re-parse the stored snapshots with the current parsers
  parse <source> <file> --tab T [--url U] [--fetched-at ISO]
                                            dry run: print parsed observations as JSON lines, store nothing
  import wfp <file> [--country ISO3]       import a WFP/HDX food-price CSV (streamed; the country from
                                            --country or the file name wfp_food_prices_<iso3>.csv)
  import subscriptions <file>               mobile subscriptions per 100 for any country (World Bank
                                            WDI CSV, or a long CSV country,year,value)
  import towers <file> --format opencellid|csv|geojson --source NAME
                                            import a tower registry file (one transaction)
  report <commodity> [--country ISO3] [--unit U] [--price-type T] [--format md|json] [--out FILE]
         [--bootstrap B]                    the convergence test as Markdown (default) or JSON, for
                                            one country (default PRK) and one series of the commodity
  sources                                   list the source ids

Exit codes, the same whether the command runs here or is handed to a running server:
  0  done
  1  a run failed, or was skipped because another process runs that source (ingest all still
     tries every source), or the running server could not be reached
  2  bad usage or bad input (unknown source, commodity, file format), or the database is busy`;

export class UsageError extends Error {}

// The running server's answer to handed-off work, mapped onto the same exit codes as a local run:
// 409 (the source is busy) is a skipped run, 4xx is bad input, anything else (or no answer) a failure.
export class HandOffError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
    readonly busy = false,
  ) {
    super(message);
    this.name = 'HandOffError';
  }
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const summary = (r: RunView) =>
  `${r.source}: ${r.status} (run ${r.id}, ${r.mode}, ${r.trigger}): inserted ${r.rowsInserted}, updated ${r.rowsUpdated}, unchanged ${r.rowsUnchanged}, rejected ${r.rowsRejected}` +
  (r.errorKind ? ` [${r.errorKind}: ${r.errorMessage}]` : '');

// The run's one-line summary, the first refusals on stderr; exit 1 when the import failed.
function wfpSummary(r: FileImportReport, io: CliIo): number {
  io.out(`${summary(r.run)} (${r.country}, ${r.rowsRead} rows read)`);
  for (const x of r.rejections.slice(0, 20)) io.err(`  row ${x.row}: ${x.reason}`);
  if (r.run.rowsRejected > 20)
    io.err(`  ... the first 1,000 in GET /api/ingestion/runs/${r.run.id}/rejections`);
  return r.run.status === 'failed' ? 1 : 0;
}

function subscriptionsSummary(r: SubscriptionImportReport, io: CliIo): number {
  io.out(
    `subscriptions (${r.shape}): ${r.points} values for ${r.countries} countries: inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, rejected ${r.rejected}`,
  );
  for (const x of r.rejections.slice(0, 20))
    io.err(`  ${x.row ? `row ${x.row}: ` : ''}${x.reason}`);
  return 0;
}

const towerSummary = (r: TowerImportReport) =>
  `towers ${r.source} (${r.format}): ${r.status} (import ${r.id}): read ${r.rowsRead}, inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, merged ${r.merged}, rejected ${r.rejected}` +
  (r.errorMessage ? ` [${r.errorMessage}]` : '');

// With the embedded database, a running server owns the data folder: ask it over HTTP.
async function viaServer(
  lock: LockInfo,
  method: 'GET' | 'POST',
  urlPath: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<unknown> {
  const stream = body instanceof Readable;
  const base = `http://${lock.host ?? '127.0.0.1'}:${lock.port}`;
  let res: Response;
  try {
    res = await fetch(`${base}${urlPath}`, {
      method,
      headers: { 'content-type': contentType, authorization: `Bearer ${lock.token}` },
      body:
        body === undefined
          ? undefined
          : stream
            ? (Readable.toWeb(body) as ReadableStream)
            : typeof body === 'string'
              ? body
              : JSON.stringify(body),
      ...(stream ? { duplex: 'half' } : {}),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new HandOffError(
      `could not reach the running server at ${base} (pid ${lock.pid}): ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      1,
    );
  }
  const json = (await res.json().catch(() => ({}))) as { message?: unknown };
  if (res.ok) return json;
  const message = typeof json.message === 'string' ? json.message : JSON.stringify(json.message);
  if (res.status === 409) throw new HandOffError(message, 1, true);
  throw new HandOffError(
    res.status < 500 ? message : `the running server answered ${res.status}: ${message}`,
    res.status < 500 ? 2 : 1,
  );
}

async function withApp<T>(
  config: AppConfig,
  fn: (app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>) => Promise<T>,
): Promise<T> {
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ ...config, enableCron: false }, { withApi: false, holder: 'cli' }),
    {
      logger: logLevels(config.logLevel === 'log' ? 'warn' : config.logLevel),
      abortOnError: false,
    },
  );
  try {
    await app.get(PrismaService).open();
    await app.get(StartupService).prepare({ loadArchiveIfEmpty: false });
    return await fn(app);
  } finally {
    await app.close();
  }
}

export async function runCli(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      archive: { type: 'boolean' },
      source: { type: 'string' },
      limit: { type: 'string' },
      tab: { type: 'string' },
      url: { type: 'string' },
      'fetched-at': { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      since: { type: 'string' },
      bootstrap: { type: 'string' },
      country: { type: 'string' },
      unit: { type: 'string' },
      'price-type': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  if (!command || values.help) {
    io.out(USAGE);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig(env);
  const sources = createSources(config);
  const sourceIds = sources.map((s) => s.meta.id);

  if (command === 'sources') {
    for (const s of sources) io.out(`${s.meta.id}\t${s.meta.name}`);
    return 0;
  }

  if (command === 'parse') {
    const [sourceId, file] = args;
    if (!sourceId || !file) throw new UsageError('parse needs <source> <file>');
    const source = sources.find((s) => s.meta.id === sourceId);
    if (!source) throw new UnknownSourceError(sourceId, sourceIds);
    const fetchedAt = values['fetched-at'] ? new Date(values['fetched-at']) : new Date();
    if (Number.isNaN(fetchedAt.getTime()))
      throw new UsageError(`--fetched-at: not a date: ${values['fetched-at']}`);
    const cities = await readCsvRecords(path.join(REFERENCE_DIR, 'nk-cities.csv'));
    const markets = cities.map((c) => ({
      id: c.id,
      name: c.name,
      nameKo: c.name_ko,
      aliases: splitAliases(c.aliases),
    }));
    const doc = {
      url: values.url ?? `file://${path.resolve(file)}`,
      label: values.tab ?? '',
      body: await readFile(file),
      fetchedAt,
      provenance: 'live' as const,
    };
    const result = source.parse(doc, { markets });
    for (const o of result.observations) {
      io.out(
        JSON.stringify({
          source: sourceId,
          ...o,
          sourceUrl: doc.url,
          fetchedAt: fetchedAt.toISOString(),
          parserVersion: source.parserVersion,
        }),
      );
    }
    for (const r of result.rejected) io.out(JSON.stringify({ rejected: true, ...r }));
    io.err(
      `${sourceId}: ${result.observations.length} observations, ${result.rejected.length} rejected, ${result.missing} empty or zero cells (nothing stored)`,
    );
    return 0;
  }

  if (!['migrate', 'ingest', 'runs', 'import', 'report', 'replay'].includes(command))
    throw new UsageError(`unknown command "${command}"`);

  let report:
    | {
        commodity: string;
        format: 'md' | 'json';
        bootstrap: number;
        country?: string;
        unit?: string;
        priceType?: string;
      }
    | undefined;
  if (command === 'report') {
    const format = (values.format ?? 'md') as 'md' | 'json';
    if (!args[0]) throw new UsageError('report needs a commodity id, e.g. report rice');
    if (format !== 'md' && format !== 'json')
      throw new UsageError(`--format: md or json, not ${values.format}`);
    const bootstrap = values.bootstrap === undefined ? 999 : Number(values.bootstrap);
    if (!Number.isInteger(bootstrap) || bootstrap < 0)
      throw new UsageError(`--bootstrap: a whole number of at least 0, not ${values.bootstrap}`);
    const country = values.country?.trim().toUpperCase();
    if (country !== undefined && !/^[A-Z]{3}$/.test(country))
      throw new UsageError(
        `--country: an ISO 3166-1 alpha-3 code such as PRK, not ${values.country}`,
      );
    report = {
      commodity: args[0],
      format,
      bootstrap,
      country,
      unit: values.unit,
      priceType: values['price-type'],
    };
  }
  const emitReport = async (r: ConvergenceReport): Promise<number> => {
    const text = report!.format === 'json' ? JSON.stringify(r, null, 2) : reportMarkdown(r);
    if (values.out) {
      await writeFile(values.out, text + '\n');
      io.err(`wrote ${values.out}`);
    } else io.out(text);
    return 0;
  };

  let towerFile:
    { body: string; format: TowerFileFormat; source: string; name: string } | undefined;
  let wfpFile: { path: string; name: string; country?: string } | undefined;
  let subscriptionsFile: { body: string; name: string } | undefined;
  if (command === 'import' && args[0] === 'wfp') {
    if (!args[1])
      throw new UsageError('import wfp needs a file: import wfp <file> [--country ISO3]');
    await stat(args[1]).catch(() => {
      throw new UsageError(`import wfp: no such file ${args[1]}`);
    });
    wfpFile = { path: args[1], name: path.basename(args[1]), country: values.country };
  } else if (command === 'import' && args[0] === 'subscriptions') {
    if (!args[1]) throw new UsageError('import subscriptions needs a file');
    const body = await readFile(args[1], 'utf8').catch(() => {
      throw new UsageError(`import subscriptions: no such file ${args[1]}`);
    });
    subscriptionsFile = { body, name: path.basename(args[1]) };
  } else if (command === 'import') {
    const [what, file] = args;
    if (what !== 'towers' || !file)
      throw new UsageError(
        'import needs: wfp <file> [--country ISO3], or towers <file> --format opencellid|csv|geojson --source NAME',
      );
    const format = values.format as TowerFileFormat;
    if (!TOWER_FILE_FORMATS.includes(format))
      throw new UsageError(
        `--format: one of ${TOWER_FILE_FORMATS.join(', ')}, not ${values.format ?? '(missing)'}`,
      );
    if (!values.source) throw new UsageError('--source: name the registry, e.g. opencellid-2024');
    towerFile = {
      body: await readFile(file, 'utf8'),
      format,
      source: values.source,
      name: path.basename(file),
    };
  }

  const runsSources = command === 'ingest' || command === 'replay';
  const targets = runsSources ? (args[0] === 'all' ? sourceIds : [args[0]]) : [];
  if (runsSources) {
    if (!args[0]) throw new UsageError(`${command} needs a source id or all`);
    for (const t of targets) if (!sourceIds.includes(t)) throw new UnknownSourceError(t, sourceIds);
  }
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit: a whole number of at least 1, not ${values.limit}`);
  const mode: RunMode = command === 'replay' ? 'replay' : values.archive ? 'archive' : 'live';
  let since: Date | undefined;
  if (values.since !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.since) || Number.isNaN(Date.parse(values.since)))
      throw new UsageError(`--since: a date YYYY-MM-DD, not ${values.since}`);
    since = new Date(`${values.since}T00:00:00Z`);
  }

  const lock = config.database.kind === 'pglite' ? readLiveLock(config.dataDir) : undefined;
  if (lock) {
    if (lock.holder !== 'server' || !lock.port) {
      throw new DataDirBusyError(path.join(config.dataDir, 'app.lock'), lock);
    }
    if (command === 'migrate') {
      io.out(
        `the running server (pid ${lock.pid}) applied the migrations at its start; nothing to do`,
      );
      return 0;
    }
    io.err(
      `the embedded database is in use by the server on port ${lock.port} (pid ${lock.pid}): handing the work to it`,
    );
    if (report) {
      return emitReport(
        (await viaServer(
          lock,
          'GET',
          `/api/analysis/convergence?${new URLSearchParams({
            commodity: report.commodity,
            bootstrap: String(report.bootstrap),
            ...(report.country && { country: report.country }),
            ...(report.unit && { unit: report.unit }),
            ...(report.priceType && { priceType: report.priceType }),
          }).toString()}`,
        )) as ConvergenceReport,
      );
    }
    if (subscriptionsFile) {
      const report = (await viaServer(
        lock,
        'POST',
        `/api/imports/subscriptions?fileName=${encodeURIComponent(subscriptionsFile.name)}`,
        subscriptionsFile.body,
        'text/csv',
      )) as SubscriptionImportReport;
      return subscriptionsSummary(report, io);
    }
    if (wfpFile) {
      const qs = new URLSearchParams({ fileName: wfpFile.name });
      if (wfpFile.country) qs.set('country', wfpFile.country);
      const report = (await viaServer(
        lock,
        'POST',
        `/api/imports/wfp?${qs.toString()}`,
        createReadStream(wfpFile.path),
        'text/csv',
      )) as FileImportReport;
      return wfpSummary(report, io);
    }
    if (towerFile) {
      const report = (await viaServer(
        lock,
        'POST',
        `/api/coverage/towers/import?format=${towerFile.format}&source=${encodeURIComponent(towerFile.source)}`,
        towerFile.body,
        towerFile.format === 'geojson' ? 'application/json' : 'text/csv',
      )) as TowerImportReport;
      io.out(towerSummary(report));
      return report.status === 'failed' ? 1 : 0;
    }
    if (command === 'runs') {
      const runs = (await viaServer(
        lock,
        'GET',
        `/api/ingestion/runs?limit=${limit}${values.source ? `&source=${encodeURIComponent(values.source)}` : ''}`,
      )) as RunView[];
      for (const r of runs) io.out(summary(r));
      return 0;
    }
    let failed = false;
    for (const t of targets) {
      try {
        const run = (await viaServer(lock, 'POST', '/api/ingestion/runs', {
          source: t,
          mode,
          ...(values.since ? { since: values.since } : {}),
        })) as RunView;
        io.out(summary(run));
        failed ||= run.status === 'failed';
      } catch (err) {
        if (!(err instanceof HandOffError && err.busy)) throw err;
        io.err(`skipped: ${err.message}`); // busy elsewhere: try the other sources
        failed = true;
      }
    }
    return failed ? 1 : 0;
  }

  return withApp(config, async (app) => {
    if (command === 'migrate') {
      io.out('database schema is current');
      return 0;
    }
    if (report) {
      // the same checks and series choice as GET /api/analysis/convergence
      const panel = await app.get(PanelService).forRequest(report, config.analysisMaxPairs);
      return emitReport(
        await app
          .get(ConvergenceReportService)
          .report(report.commodity, { bootstrap: report.bootstrap, panel }),
      );
    }
    if (subscriptionsFile) {
      const report = await app
        .get(SubscriptionImportService)
        .import(subscriptionsFile.body, subscriptionsFile.name);
      return subscriptionsSummary(report, io);
    }
    if (wfpFile) {
      const report = await app.get(WfpImportService).import(createReadStream(wfpFile.path), {
        fileName: wfpFile.name,
        country: wfpFile.country,
        trigger: 'cli',
      });
      return wfpSummary(report, io);
    }
    if (towerFile) {
      const report = await app
        .get(TowerImportService)
        .import(towerFile.body, towerFile.format, towerFile.source, towerFile.name);
      io.out(towerSummary(report));
      for (const r of report.rejections.slice(0, 20)) io.err(`  row ${r.row}: ${r.reason}`);
      if (report.rejections.length > 20)
        io.err(`  ... ${report.rejections.length - 20} more in GET /api/coverage/tower-imports`);
      return report.status === 'failed' ? 1 : 0;
    }
    if (command === 'runs') {
      for (const r of await app.get(RunLedgerService).list({ source: values.source, limit }))
        io.out(summary(r));
      return 0;
    }
    let failed = false;
    for (const t of targets) {
      try {
        const run = await app.get(IngestionService).run(t, 'cli', mode, { since });
        io.out(summary(run));
        failed ||= run.status === 'failed';
      } catch (err) {
        if (!(err instanceof RunInProgressError)) throw err;
        io.err(`skipped: ${err.message}`); // busy elsewhere: try the other sources
        failed = true;
      }
    }
    return failed ? 1 : 0;
  });
}

export function exitCodeFor(err: unknown, io: CliIo): number {
  if (
    err instanceof ConfigError ||
    err instanceof DataDirBusyError ||
    err instanceof UsageError ||
    err instanceof UnknownSourceError ||
    err instanceof UnknownIdError ||
    err instanceof SourceError ||
    err instanceof WfpFileError ||
    err instanceof SubscriptionFileError ||
    // what the shared request checks refuse (the API's 400s): unknown country, mixed series, ...
    err instanceof BadRequestException
  ) {
    io.err(`error: ${err.message}`);
    if (err instanceof DataDirBusyError)
      io.err(
        'stop the other process, or set DATABASE_URL to share a PostgreSQL server between processes',
      );
    if (err instanceof UsageError) io.err(USAGE);
    return 2;
  }
  if (err instanceof HandOffError) {
    io.err(`${err.busy ? 'skipped' : 'error'}: ${err.message}`);
    return err.exitCode;
  }
  if (err instanceof RunInProgressError) {
    // another process is running the source right now: not an error in the setup, but this run did not happen
    io.err(`skipped: ${err.message}`);
    return 1;
  }
  if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.err(`error: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  io.err(`error: ${(err as Error).stack ?? String(err)}`);
  return 1;
}
