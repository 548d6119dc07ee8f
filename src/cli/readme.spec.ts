import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentVariables } from '../config/app-config';
import { SOURCE_DECLARATIONS } from '../sources/source-registry';
import { COMMANDS, exitCodeFor, runCli, USAGE } from './cli';

// The README is the newcomer's manual: every command of the CLI and every setting the app reads
// must be in it, and the help must say what the code does.
const README = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('the README and the help', () => {
  it('shows every command as it is typed', () => {
    const missing = COMMANDS.map((c) => c.words.join(' ')).filter(
      (words) => !README.includes(`cli -- ${words}`),
    );
    expect(missing).toEqual([]);
  });

  it('lists every setting, the sources’ own included', () => {
    const settings = [
      ...Object.keys(new EnvironmentVariables()),
      ...SOURCE_DECLARATIONS.flatMap((d) => Object.values(d.settings).map((s) => s.env)),
    ];
    const missing = settings.filter((name) => !README.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('counts the publishers the registry declares', () => {
    const words = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'];
    expect(README).toMatch(
      new RegExp(`\\b${words[SOURCE_DECLARATIONS.length]}\\s+publisher adapters`),
    );
  });

  it('shows --tab only for the parser that takes it, and says so when it is missing', async () => {
    expect(USAGE).toMatch(/parse <source> <file> \[--tab T\]/);
    const err: string[] = [];
    const io = { out: () => undefined, err: (l: string) => err.push(l) };
    const code = await runCli(['parse', 'dailynk-sheet', __filename], io, {}).catch((e: unknown) =>
      exitCodeFor(e, io),
    );
    expect(code).toBe(2);
    expect(err[0]).toBe(
      'error: --tab: parse dailynk-sheet needs the tab the file was exported from (rice or rate)',
    );
  });
});
