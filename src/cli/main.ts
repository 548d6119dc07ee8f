import 'reflect-metadata';
import { exitCodeFor, runCli } from './cli';

const io = { out: (l: string) => console.log(l), err: (l: string) => console.error(l) };

void runCli(process.argv.slice(2), io)
  .catch((err: unknown) => exitCodeFor(err, io))
  .then((code) => {
    process.exitCode = code;
  });
