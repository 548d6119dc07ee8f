import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UnknownSourceError } from '../../ingestion/ingestion.service';
import { readCsvRecords, REFERENCE_DIR, splitAliases } from '../../prices/reference-data.service';
import { Command, readArgs, UsageError } from './command';

// A dry run of any adapter on a saved page: no database is opened.
export const parseCommand: Command = {
  words: ['parse'],
  usage: `parse <source> <file> [--tab T] [--url U] [--fetched-at ISO]
                                            dry run: print parsed observations as JSON lines, store nothing
                                            (--tab: dailynk-sheet's tab, rice or rate)`,
  prepare(args, ctx) {
    const { values, positionals } = readArgs(args, {
      tab: { type: 'string' },
      url: { type: 'string' },
      'fetched-at': { type: 'string' },
    });
    const [sourceId, file] = positionals;
    if (!sourceId || !file) throw new UsageError('parse needs <source> <file>');
    const ids = ctx.sources.map((s) => s.meta.id);
    const source = ctx.sources.find((s) => s.meta.id === sourceId);
    if (!source) throw new UnknownSourceError(sourceId, ids);
    // the sheet's CSV export does not say which tab it is; the other adapters need no tab
    if (sourceId === 'dailynk-sheet' && !values.tab)
      throw new UsageError(
        '--tab: parse dailynk-sheet needs the tab the file was exported from (rice or rate)',
      );
    const fetchedAt = values['fetched-at'] ? new Date(values['fetched-at']) : new Date();
    if (Number.isNaN(fetchedAt.getTime()))
      throw new UsageError(`--fetched-at: not a date: ${values['fetched-at']}`);
    return {
      offline: true,
      async run(io) {
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
        for (const o of result.observations)
          io.out(
            JSON.stringify({
              source: sourceId,
              ...o,
              sourceUrl: doc.url,
              fetchedAt: fetchedAt.toISOString(),
              parserVersion: source.parserVersion,
            }),
          );
        for (const r of result.rejected) io.out(JSON.stringify({ rejected: true, ...r }));
        io.err(
          `${sourceId}: ${result.observations.length} observations, ${result.rejected.length} rejected, ${result.missing} empty or zero cells (nothing stored)`,
        );
        return 0;
      },
    };
  },
};
