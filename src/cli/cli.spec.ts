import { ConfigError } from '../config/app-config';
import { RunInProgressError } from '../ingestion/ingestion.service';
import { exitCodeFor, UsageError } from './cli';

describe('command-line exit codes', () => {
  const run = (err: unknown) => {
    const lines: string[] = [];
    const code = exitCodeFor(err, { out: () => undefined, err: (l) => lines.push(l) });
    return { code, text: lines.join('\n') };
  };

  it('says a run was skipped when another process holds the source, and exits 1', () => {
    expect(run(new RunInProgressError('dailynk-sheet', 'on another instance (host:1:ab)'))).toEqual(
      {
        code: 1,
        text: 'skipped: an ingestion run of dailynk-sheet is already in progress on another instance (host:1:ab)',
      },
    );
  });

  it('exits 2 with the message for bad usage and bad configuration', () => {
    expect(run(new UsageError('report needs a commodity id')).code).toBe(2);
    const cfg = run(new ConfigError(['PORT: PORT must be an integer number']));
    expect(cfg).toMatchObject({ code: 2 });
    expect(cfg.text).toMatch(/PORT: PORT must be an integer number/);
  });
});
