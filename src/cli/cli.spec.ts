import { ConfigError } from '../config/app-config';
import { RunInProgressError } from '../ingestion/ingestion.service';
import { fixture } from '../../test/helpers/markets';
import { exitCodeFor, runCli, UsageError } from './cli';

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

describe('parse: the dry run of any adapter, database-free', () => {
  it('parses a saved NK Times article into JSON lines with rejections and their reasons', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      [
        'parse',
        'nktimes-en',
        fixture('sources', 'nktimes-en', 'article-april.html'),
        '--url',
        'https://nktimes.kr/en/economy/grain-prices-fall-in-april/',
        '--fetched-at',
        '2024-05-03T00:00:00Z',
      ],
      { out: (l) => out.push(l), err: (l) => err.push(l) },
      { DATA_DIR: '/nonexistent-never-opened' },
    );
    expect(code).toBe(0);
    const rows = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.filter((r) => !r.rejected)).toHaveLength(9);
    expect(rows.find((r) => r.marketId === 'pyongsong')).toMatchObject({
      source: 'nktimes-en',
      commodityId: 'rice',
      surveyDate: '2024-04-28',
      value: 4700,
      fetchedAt: '2024-05-03T00:00:00.000Z',
      parserVersion: 'nktimes-en/1.1.0',
    });
    expect(rows.filter((r) => r.rejected).map((r) => r.reason)).toContain(
      "an average over 5 cities, never a city's price",
    );
    expect(err).toEqual([
      'nktimes-en: 9 observations, 5 rejected, 0 empty or zero cells (nothing stored)',
    ]);
  });
});
