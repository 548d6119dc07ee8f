import { writeFile } from 'node:fs/promises';
import { panelCsv } from '../../analysis/cross-country/cross-country-csv';
import type { CrossCountryRequest } from '../../analysis/cross-country/cross-country.service';
import { Command, isoDay, readArgs, UsageError, wholeNumber } from './command';

const list = (name: string, text: string | undefined, upper = false): string[] | undefined => {
  if (text === undefined) return undefined;
  const items = text
    .split(',')
    .map((s) => (upper ? s.trim().toUpperCase() : s.trim()))
    .filter(Boolean);
  if (!items.length) throw new UsageError(`--${name}: an empty list (leave it out for every one)`);
  return items;
};

const positive = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name}: a number above 0, not ${text}`);
  return n;
};

export const crossCountryCommand: Command = {
  words: ['cross-country'],
  usage: `cross-country [--countries A,B] [--commodities X,Y] [--from D] [--to D] [--min-markets N]
         [--min-months N] [--measure meanAbsLogDiff|cv] [--bootstrap B] [--seed S] [--threshold T]
         [--format text|json] [--panel FILE]  the cross-country convergence test (every country
                                            with prices and subscriptions): the report, and the
                                            panel as CSV with --panel`,
  prepare(args) {
    const { values } = readArgs(args, {
      countries: { type: 'string' },
      commodities: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'min-markets': { type: 'string' },
      'min-months': { type: 'string' },
      measure: { type: 'string' },
      bootstrap: { type: 'string' },
      seed: { type: 'string' },
      threshold: { type: 'string' },
      format: { type: 'string' },
      panel: { type: 'string' },
    });
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json')
      throw new UsageError(`--format: text or json, not ${values.format}`);
    const measure = values.measure;
    if (measure !== undefined && measure !== 'meanAbsLogDiff' && measure !== 'cv')
      throw new UsageError(`--measure: meanAbsLogDiff or cv, not ${measure}`);
    const countries = list('countries', values.countries, true);
    const bad = countries?.find((c) => !/^[A-Z]{3}$/.test(c));
    if (bad) throw new UsageError(`--countries: ISO 3166-1 alpha-3 codes such as PRK, not ${bad}`);
    const q: CrossCountryRequest = {
      countries,
      commodities: list('commodities', values.commodities),
      from: isoDay('from', values.from),
      to: isoDay('to', values.to),
      minMarkets: wholeNumber('min-markets', values['min-markets'], 3, 2),
      minMonths: wholeNumber('min-months', values['min-months'], 24, 2),
      measure,
      bootstrap: wholeNumber('bootstrap', values.bootstrap, 999, 0),
      seed: values.seed === undefined ? undefined : wholeNumber('seed', values.seed, 0, 0),
      threshold: positive('threshold', values.threshold),
    };
    return {
      async run(backend, io) {
        const a = await backend.crossCountry(q);
        if (values.panel) {
          await writeFile(values.panel, panelCsv(a));
          io.err(`wrote ${values.panel} (${a.panel.rows.length} rows)`);
        }
        if (format === 'json') io.out(JSON.stringify(a, null, 2));
        else
          io.out(
            a.report.sections
              .map((s) => `## ${s.title}\n\n${s.sentences.join('\n\n')}`)
              .join('\n\n'),
          );
        return 0;
      },
    };
  },
};
