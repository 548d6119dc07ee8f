import { Command, readArgs } from './command';

export const migrateCommand: Command = {
  words: ['migrate'],
  usage: 'migrate                                   apply pending database migrations',
  prepare(args) {
    readArgs(args, {});
    return { run: async (backend, io) => (io.out(await backend.migrate()), 0) };
  },
};
