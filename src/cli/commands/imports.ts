import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { TOWER_FILE_FORMATS, TowerFileFormat } from '../../coverage/tower-file.parser';
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

export const importWfpCommand: Command = {
  words: ['import', 'wfp'],
  usage: `import wfp <file> [--country ISO3]       import a WFP/HDX food-price CSV (streamed; the country from
                                            --country or the file name wfp_food_prices_<iso3>.csv)`,
  async prepare(args) {
    const { values, positionals } = readArgs(args, { country: { type: 'string' } });
    const file = await readable('import wfp', positionals[0], 'import wfp <file> [--country ISO3]');
    return {
      async run(backend, io) {
        const r = await backend.importWfp(file, {
          fileName: path.basename(file),
          country: values.country,
        });
        io.out(`${runSummary(r.run)} (${r.country}, ${r.rowsRead} rows read)`);
        showRefusals(
          r.rejections,
          r.run.rowsRejected,
          `GET /api/ingestion/runs/${r.run.id}/rejections`,
          io,
        );
        return r.run.status === 'failed' ? 1 : 0;
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
        io.out(
          `subscriptions (${r.shape}): ${r.points} values for ${r.countries} countries: inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, rejected ${r.rejected}`,
        );
        showRefusals(r.rejections, r.rejections.length, 'the file', io);
        return 0;
      },
    };
  },
};

export const importTowersCommand: Command = {
  words: ['import', 'towers'],
  usage: `import towers <file> --format opencellid|csv|geojson --source NAME [--country ISO3]
                                            import a tower registry file (one transaction); an
                                            OpenCelliD row goes to its MCC's country`,
  async prepare(args) {
    const { values, positionals } = readArgs(args, {
      format: { type: 'string' },
      source: { type: 'string' },
      country: { type: 'string' },
    });
    const file = await readable(
      'import towers',
      positionals[0],
      'import towers <file> --format opencellid|csv|geojson --source NAME [--country ISO3]',
    );
    const format = values.format as TowerFileFormat;
    if (!TOWER_FILE_FORMATS.includes(format))
      throw new UsageError(
        `--format: one of ${TOWER_FILE_FORMATS.join(', ')}, not ${values.format ?? '(missing)'}`,
      );
    const source = values.source;
    if (!source) throw new UsageError('--source: name the registry, e.g. opencellid-2024');
    const country = values.country?.toUpperCase();
    if (country !== undefined && !/^[A-Z]{3}$/.test(country))
      throw new UsageError(
        `--country: an ISO 3166-1 alpha-3 code such as KEN, not ${values.country}`,
      );
    return {
      async run(backend, io) {
        const r = await backend.importTowers(file, {
          format,
          source,
          fileName: path.basename(file),
          country,
        });
        io.out(
          `towers ${r.source} (${r.format}): ${r.status} (import ${r.id}): read ${r.rowsRead}, inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, merged ${r.merged}, rejected ${r.rejected}` +
            (Object.keys(r.countries ?? {}).length
              ? ` (kept by country: ${Object.entries(r.countries)
                  .map(([c, n]) => `${c} ${n}`)
                  .join(', ')})`
              : '') +
            (r.errorMessage ? ` [${r.errorMessage}]` : ''),
        );
        showRefusals(r.rejections, r.rejections.length, 'GET /api/coverage/tower-imports', io);
        return r.status === 'failed' ? 1 : 0;
      },
    };
  },
};
