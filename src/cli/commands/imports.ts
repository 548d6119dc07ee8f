import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SubscriptionImportReport } from '../../coverage/subscription-import.service';
import type { TowerImportReport } from '../../coverage/tower-import.service';
import type { FileImportReport } from '../../ingestion/import-runner.service';
import type { RunView } from '../../ingestion/run-ledger.service';
import {
  FILE_IMPORTERS,
  PRICE_FILE_IMPORTERS,
  recogniseFile,
  TOWER_FILE_IMPORTER,
} from '../../sources/importer-registry';
import {
  FILE_HEAD_BYTES,
  FileHead,
  fileHead,
  TowerFileFormat,
} from '../../sources/shared/file-importer';
import type { Backend } from '../backend';
import { Command, CliIo, readArgs, UsageError } from './command';
import { runSummary } from './run-summary';

const MAX_SHOWN = 20;

// The first refusals on stderr, and where the rest are.
function showRefusals(
  rows: { row?: number; reason: string }[],
  total: number,
  rest: string,
  io: CliIo,
) {
  for (const x of rows.slice(0, MAX_SHOWN)) io.err(`  ${x.row ? `row ${x.row}: ` : ''}${x.reason}`);
  if (total > MAX_SHOWN) io.err(`  ... ${total - MAX_SHOWN} more in ${rest}`);
}

async function readable(command: string, file: string | undefined, usage: string): Promise<string> {
  if (!file) throw new UsageError(`${command} needs a file: ${usage}`);
  await stat(file).catch(() => {
    throw new UsageError(`${command}: no such file ${file}`);
  });
  return file;
}

// A file's first lines (its first 64 KiB), for recognising its format.
async function headOf(file: string): Promise<FileHead> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(FILE_HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, FILE_HEAD_BYTES, 0);
    return fileHead(buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

// A tower file's format: --format, or recognised from its first lines (read here unless given).
async function towerFormat(
  file: string,
  named: string | undefined,
  head?: FileHead,
): Promise<TowerFileFormat> {
  const formats = TOWER_FILE_IMPORTER.formats;
  if (named !== undefined) {
    if (!formats.includes(named as TowerFileFormat))
      throw new UsageError(`--format: one of ${formats.join(', ')}, not ${named}`);
    return named as TowerFileFormat;
  }
  const format = TOWER_FILE_IMPORTER.formatOf(head ?? (await headOf(file)));
  if (!format)
    throw new UsageError(
      `import towers: ${path.basename(file)} is not a tower file by its first lines (${TOWER_FILE_IMPORTER.layout}); name its format with --format ${formats.join('|')}`,
    );
  return format;
}

// The registry name and country of a tower import, checked.
function towerArgs(values: { source?: string; country?: string }, file: string) {
  const source = values.source;
  if (!source)
    throw new UsageError(
      `--source: ${path.basename(file)} is a tower registry file: name the registry, e.g. --source opencellid-2024`,
    );
  const country = values.country?.toUpperCase();
  if (country !== undefined && !/^[A-Z]{3}$/.test(country))
    throw new UsageError(
      `--country: an ISO 3166-1 alpha-3 code such as KEN, not ${values.country}`,
    );
  return { source, country };
}

function towerLine(r: TowerImportReport & { run: RunView }): string {
  return (
    `towers ${r.source} (${r.format}): ${r.status} (import ${r.id}, run ${r.run.id}): read ${r.rowsRead}, inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, merged ${r.merged}, rejected ${r.rejected}` +
    (Object.keys(r.countries ?? {}).length
      ? ` (kept by country: ${Object.entries(r.countries)
          .map(([c, n]) => `${c} ${n}`)
          .join(', ')})`
      : '') +
    (r.errorMessage ? ` [${r.errorMessage}]` : '')
  );
}

function subscriptionLine(r: SubscriptionImportReport & { run: RunView }): string {
  return `subscriptions (${r.shape}): ${r.run.status} (run ${r.run.id}): ${r.points} values for ${r.countries} countries: inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, rejected ${r.rejected}`;
}

// Where a path names files: the file, or a folder's CSV files in name order.
async function filesOf(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const st = await stat(p).catch(() => {
      throw new UsageError(`import: no such file or folder ${p}`);
    });
    if (!st.isDirectory()) out.push(p);
    else {
      const names = (await readdir(p)).filter((n) => /\.csv$/i.test(n)).sort();
      if (!names.length) throw new UsageError(`import: the folder ${p} holds no .csv file`);
      out.push(...names.map((n) => path.join(p, n)));
    }
  }
  return out;
}

// A terminal's progress line for one file: the share read, redrawn at most five times a second.
async function progressOf(
  file: string,
  show: (line: string) => void,
): Promise<(read: number) => void> {
  const size = (await stat(file)).size;
  const mb = (n: number) => (n / 1048576).toFixed(1);
  let last = 0;
  return (read) => {
    const now = Date.now();
    if (now - last < 200 && read < size) return;
    last = now;
    show(
      `${path.basename(file)}: read ${mb(read)} of ${mb(size)} MiB (${Math.round((100 * read) / Math.max(size, 1))} %)`,
    );
  };
}

const IMPORTER_IDS = [...PRICE_FILE_IMPORTERS.map((i) => i.id), 'wfp'];
const ALL_IMPORTER_IDS = [...FILE_IMPORTERS.map((i) => i.id), 'wfp'];

// One price file's line: the run, the layout, its countries, what was read and skipped.
function priceSummary(r: FileImportReport): string {
  const countries = Object.entries(r.countries);
  const where =
    countries.length > 1
      ? countries.map(([c, n]) => `${c} ${n}`).join(', ')
      : (countries[0]?.[0] ?? r.country);
  const skipped = Object.entries(r.skipped)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  // the run is its source's (both WFP layouts write the one WFP source): the layout is named when
  // it is not the source's own, so a VAM file's line does not read as an HDX import
  const layout = r.importer !== r.run.source ? `${r.importer} layout; ` : '';
  return `${runSummary(r.run)} (${layout}${where}, ${r.rowsRead} rows read${skipped ? `; skipped: ${skipped}` : ''}${r.averageMarketRows ? `; ${r.averageMarketRows} rows of average markets, kept as regions` : ''})`;
}

// One file of an unnamed import: a tower registry or a subscriptions table when its first lines
// say so (sources/importer-registry.ts), a price file otherwise (its importer recognised from
// the header as it is read). Each is one run.
type FileOutcome = { run: RunView; line: string; rejections: { row?: number; reason: string }[] };

async function importOne(
  file: string,
  named: string | undefined,
  values: { country?: string; map?: string; source?: string },
  backend: Backend,
  io: CliIo,
): Promise<FileOutcome & { rest: string; total: number }> {
  const head = named ? undefined : await headOf(file);
  const whole = head && recogniseFile(head);
  if (whole?.writes === 'towers') {
    const r = await backend.importTowers(file, {
      format: await towerFormat(file, undefined, head),
      ...towerArgs(values, file),
      fileName: path.basename(file),
    });
    return {
      run: r.run,
      line: towerLine(r),
      rejections: r.rejections,
      total: r.rejected,
      rest: 'GET /api/coverage/tower-imports',
    };
  }
  if (whole?.writes === 'subscriptions') {
    const r = await backend.importSubscriptions(await readFile(file, 'utf8'), path.basename(file));
    return {
      run: r.run,
      line: subscriptionLine(r),
      rejections: r.rejections,
      total: r.rejections.length,
      rest: 'the file',
    };
  }
  const r = await backend.importPrices(file, {
    importer: named === 'wfp' ? undefined : named,
    fileName: path.basename(file),
    country: values.country,
    map: values.map,
    onBytes: io.progress && (await progressOf(file, io.progress)),
  });
  return {
    run: r.run,
    line: priceSummary(r),
    rejections: r.rejections,
    total: r.run.rowsRejected,
    rest: `GET /api/ingestion/runs/${r.run.id}/rejections`,
  };
}

// import [<importer>] <file|folder>...: each file its own run, through one importer contract
// (sources/importer-registry.ts); without an importer (or with wfp) each file's first lines say
// which: a price layout, a tower registry (with --source) or a subscriptions table.
export const importCommand: Command = {
  words: ['import'],
  usage: `import [<importer>] <file|folder>... [--country ISO3] [--map field=Column,...] [--source NAME]
                                            import files, one run each (importers: ${ALL_IMPORTER_IDS.join(', ')};
                                            none or wfp: recognised from the file's first lines; a tower
                                            file needs --source); the country from --country, the
                                            file name wfp_food_prices_<iso3>.csv or the file`,
  async prepare(args) {
    const { values, positionals } = readArgs(args, {
      country: { type: 'string' },
      map: { type: 'string' },
      source: { type: 'string' },
    });
    const named = IMPORTER_IDS.includes(positionals[0] ?? '') ? positionals[0] : undefined;
    const paths = named ? positionals.slice(1) : positionals;
    if (!paths.length)
      throw new UsageError(
        `import needs a file: import [<importer>] <file|folder>... (importers: ${IMPORTER_IDS.join(', ')}), import subscriptions <file>, or import towers <file> --source NAME [--format opencellid|csv|geojson]`,
      );
    const files = await filesOf(paths);
    return {
      async run(backend, io) {
        const outcomes: FileOutcome[] = [];
        try {
          for (const file of files) {
            const r = await importOne(file, named, values, backend, io);
            outcomes.push(r);
            io.out(`${files.length > 1 ? `${path.basename(file)}: ` : ''}${r.line}`);
            showRefusals(r.rejections, r.total, r.rest, io);
          }
        } finally {
          // the files imported before a failure keep their rows: their statistics too
          await backend.finishImports?.();
        }
        if (files.length > 1) {
          const by = (s: string) => outcomes.filter((o) => o.run.status === s).length;
          const sum = (k: 'rowsInserted' | 'rowsUpdated' | 'rowsUnchanged' | 'rowsRejected') =>
            outcomes.reduce((a, o) => a + o.run[k], 0);
          io.out(
            `${files.length} files: ${by('succeeded')} succeeded, ${by('partial')} partial, ${by('failed')} failed; inserted ${sum('rowsInserted')}, updated ${sum('rowsUpdated')}, unchanged ${sum('rowsUnchanged')}, rejected ${sum('rowsRejected')}`,
          );
        }
        return outcomes.some((o) => o.run.status === 'failed') ? 1 : 0;
      },
    };
  },
};

export const importSubscriptionsCommand: Command = {
  words: ['import', 'subscriptions'],
  usage: `import subscriptions <file>               mobile subscriptions per 100 for any country (World Bank
                                            WDI CSV, or a long CSV country,year,value)`,
  async prepare(args) {
    const { positionals } = readArgs(args, {});
    const file = await readable(
      'import subscriptions',
      positionals[0],
      'import subscriptions <file>',
    );
    const body = await readFile(file, 'utf8');
    return {
      async run(backend, io) {
        const r = await backend.importSubscriptions(body, path.basename(file));
        io.out(subscriptionLine(r));
        showRefusals(r.rejections, r.rejections.length, 'the file', io);
        return 0;
      },
    };
  },
};

export const importTowersCommand: Command = {
  words: ['import', 'towers'],
  usage: `import towers <file> --source NAME [--format opencellid|csv|geojson] [--country ISO3]
                                            import a tower registry file (one transaction; the
                                            format recognised from its first lines without --format);
                                            an OpenCelliD row goes to its MCC's country`,
  async prepare(args) {
    const { values, positionals } = readArgs(args, {
      format: { type: 'string' },
      source: { type: 'string' },
      country: { type: 'string' },
    });
    const file = await readable(
      'import towers',
      positionals[0],
      'import towers <file> --source NAME [--format opencellid|csv|geojson] [--country ISO3]',
    );
    const format = await towerFormat(file, values.format);
    const { source, country } = towerArgs(values, file);
    return {
      async run(backend, io) {
        const r = await backend.importTowers(file, {
          format,
          source,
          fileName: path.basename(file),
          country,
        });
        io.out(towerLine(r));
        showRefusals(r.rejections, r.rejections.length, 'GET /api/coverage/tower-imports', io);
        return r.status === 'failed' ? 1 : 0;
      },
    };
  },
};
