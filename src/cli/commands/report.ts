import { writeFile } from 'node:fs/promises';
import { reportMarkdown } from '../../analysis/report-markdown';
import { Command, readArgs, UsageError, wholeNumber } from './command';

export const reportCommand: Command = {
  words: ['report'],
  usage: `report <commodity> [--country ISO3] [--unit U] [--price-type T] [--format md|json] [--out FILE]
         [--bootstrap B]                    the convergence test as Markdown (default) or JSON, for
                                            one country (default PRK) and one series of the commodity`,
  prepare(args) {
    const { values, positionals } = readArgs(args, {
      country: { type: 'string' },
      unit: { type: 'string' },
      'price-type': { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      bootstrap: { type: 'string' },
    });
    const commodity = positionals[0];
    if (!commodity) throw new UsageError('report needs a commodity id, e.g. report rice');
    const format = values.format ?? 'md';
    if (format !== 'md' && format !== 'json')
      throw new UsageError(`--format: md or json, not ${values.format}`);
    const bootstrap = wholeNumber('bootstrap', values.bootstrap, 999, 0);
    const country = values.country?.trim().toUpperCase();
    if (country !== undefined && !/^[A-Z]{3}$/.test(country))
      throw new UsageError(
        `--country: an ISO 3166-1 alpha-3 code such as PRK, not ${values.country}`,
      );
    return {
      async run(backend, io) {
        const r = await backend.convergenceReport({
          commodity,
          bootstrap,
          country,
          unit: values.unit,
          priceType: values['price-type'],
        });
        const text = format === 'json' ? JSON.stringify(r, null, 2) : reportMarkdown(r);
        if (values.out) {
          await writeFile(values.out, text + '\n');
          io.err(`wrote ${values.out}`);
        } else io.out(text);
        return 0;
      },
    };
  },
};
