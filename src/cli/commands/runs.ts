import { Command, readArgs, wholeNumber } from './command';
import { runSummary } from './run-summary';

export const runsCommand: Command = {
  words: ['runs'],
  usage: 'runs [--source S] [--limit N]             the run ledger, newest first',
  prepare(args) {
    const { values } = readArgs(args, { source: { type: 'string' }, limit: { type: 'string' } });
    const limit = wholeNumber('limit', values.limit, 20, 1);
    return {
      async run(backend, io) {
        for (const r of await backend.listRuns({ source: values.source, limit }))
          io.out(runSummary(r));
        return 0;
      },
    };
  },
};
