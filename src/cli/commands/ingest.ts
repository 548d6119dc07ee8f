import { UnknownSourceError } from '../../ingestion/ingestion.service';
import { isSkipped } from '../backend';
import { Command, CommandContext, isoDay, Job, readArgs, UsageError } from './command';
import { runSummary } from './run-summary';

// The sources a command names: one id, or all.
function targets(name: string, id: string | undefined, ctx: CommandContext): string[] {
  const ids = ctx.sources.map((s) => s.meta.id);
  if (!id) throw new UsageError(`${name} needs a source id or all`);
  if (id === 'all') return ids;
  if (!ids.includes(id)) throw new UnknownSourceError(id, ids);
  return [id];
}

// Each source in turn; a source another process is running is skipped (exit 1) and the others
// still run.
function runEach(sources: string[], mode: 'live' | 'archive' | 'replay', since?: string): Job {
  return {
    async run(backend, io) {
      let failed = false;
      for (const s of sources) {
        const r = await backend.runSource(s, mode, since);
        if (isSkipped(r)) {
          if (r.noop) {
            io.out(`${s}: ${r.skipped}`);
            continue;
          }
          io.err(`skipped: ${r.skipped}`);
          failed = true;
          continue;
        }
        io.out(runSummary(r));
        failed ||= r.status === 'failed';
      }
      return failed ? 1 : 0;
    },
  };
}

export const ingestCommand: Command = {
  words: ['ingest'],
  usage:
    'ingest <source>|all [--archive]           run a source now (--archive: the snapshot shipped in data/archive)',
  prepare(args, ctx) {
    const { values, positionals } = readArgs(args, { archive: { type: 'boolean' } });
    // all --archive: the sources that ship an archive (the others have none to load)
    const ids = targets('ingest', positionals[0], ctx).filter(
      (id) =>
        !values.archive ||
        positionals[0] !== 'all' ||
        ctx.sources.find((s) => s.meta.id === id)?.loadArchive !== undefined,
    );
    return runEach(ids, values.archive ? 'archive' : 'live');
  },
};

export const replayCommand: Command = {
  words: ['replay'],
  usage:
    'replay <source>|all [--since YYYY-MM-DD]  re-parse the stored snapshots with the current parsers',
  prepare(args, ctx) {
    const { values, positionals } = readArgs(args, { since: { type: 'string' } });
    return runEach(targets('replay', positionals[0], ctx), 'replay', isoDay('since', values.since));
  },
};
