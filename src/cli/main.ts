import 'reflect-metadata';
import { exitCodeFor, runCli } from './cli';

// On a terminal, long imports redraw one progress line on stderr; under cron or a pipe, nothing.
const progress = process.stderr.isTTY
  ? (l: string) => process.stderr.write(`\r${l.slice(0, (process.stderr.columns || 80) - 1)}\x1b[K`)
  : undefined;
const io = {
  out: (l: string) => {
    if (progress) process.stderr.write('\r\x1b[K');
    console.log(l);
  },
  err: (l: string) => {
    if (progress) process.stderr.write('\r\x1b[K');
    console.error(l);
  },
  progress,
};

void runCli(process.argv.slice(2), io)
  .catch((err: unknown) => exitCodeFor(err, io))
  .then((code) => {
    process.exitCode = code;
    // the command is over and the database closed: a handle left open below (a database that
    // never started, a full disk's stalled write) must not keep a cron job's process alive
    setTimeout(() => process.exit(code), 2_000).unref();
  });
