import { Command, readArgs } from './command';

export const sourcesCommand: Command = {
  words: ['sources'],
  usage: 'sources                                   list the source ids',
  prepare(args, ctx) {
    readArgs(args, {});
    return {
      offline: true,
      run: (io) => {
        for (const s of ctx.sources) io.out(`${s.meta.id}\t${s.meta.name}`);
        return Promise.resolve(0);
      },
    };
  },
};
