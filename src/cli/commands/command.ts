import { parseArgs, ParseArgsConfig } from 'node:util';
import { isIsoDay } from '../../common/dates';
import type { AppConfig } from '../../config/app-config';
import type { PriceSource } from '../../sources/source.types';
import type { Backend } from '../backend';
import { BadInputError } from '../../common/domain-error';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  // a status line redrawn in place (a terminal only; undefined elsewhere, e.g. under cron)
  progress?: (line: string) => void;
}

// Bad usage: the message says what is wrong; the usage follows it.
export class UsageError extends BadInputError {}

export interface CommandContext {
  config: AppConfig;
  sources: PriceSource[];
}

// What a command does once its arguments are read: either without the database (a dry run, a
// list), or against a backend: the application here, or the running server it is handed to.
export type Job =
  | { offline: true; run(io: CliIo): Promise<number> }
  | { offline?: false; run(backend: Backend, io: CliIo): Promise<number> };

export interface Command {
  // the words that name it: ['ingest'], ['import', 'wfp']
  readonly words: string[];
  readonly usage: string;
  // reads and checks the arguments before any database is opened (a UsageError names what is wrong)
  prepare(args: string[], ctx: CommandContext): Promise<Job> | Job;
}

// node:util parseArgs with the command's own options; an unknown option is an ERR_PARSE_ARGS error.
export function readArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
) {
  return parseArgs({ args, options, allowPositionals: true, strict: true });
}

export function wholeNumber(name: string, text: string | undefined, fallback: number, min: number) {
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name}: a whole number of at least ${min}, not ${text}`);
  return n;
}

export function isoDay(name: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (isIsoDay(text)) return text;
  throw new UsageError(`--${name}: a date YYYY-MM-DD, not ${String(text)}`);
}
