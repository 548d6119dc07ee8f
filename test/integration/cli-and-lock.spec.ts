import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app.factory';
import { DataDirBusyError } from '../../src/database/data-dir-lock';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';
import { fixture } from '../helpers/markets';
import { SERVER, spawnNode } from '../helpers/processes';

const run = promisify(execFile);
const CLI = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

// The command line as cron runs it: a separate node process on the compiled build (npm test builds first).
async function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// `import towers <file> --format F --source S [more...]`
const towerImport = (file: string, format: string, source: string, ...more: string[]) => [
  'import',
  'towers',
  file,
  '--format',
  format,
  '--source',
  source,
  ...more,
];

describe('command line on the embedded database', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await freshDatabase('pglite', {
      DAILYNK_SHEET_URL: 'http://127.0.0.1:47391/closed?sheet={tab}',
      HTTP_TIMEOUT_MS: '2000',
    });
  });
  afterAll(async () => db.cleanup());

  it('migrates an empty data folder, ingests the archive, and re-running inserts nothing', async () => {
    const first = await cli(['ingest', 'dailynk-sheet', '--archive'], db.env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toMatch(
      /^dailynk-sheet: succeeded \(run 1, archive, cli\): inserted 981, updated 0, unchanged 0, rejected 0$/,
    );
    const again = await cli(['ingest', 'dailynk-sheet', '--archive'], db.env);
    expect(again.stdout).toMatch(/inserted 0, updated 0, unchanged 981, rejected 0/);
  });

  it('exits non-zero with the error kind when a live fetch fails', async () => {
    const res = await cli(['ingest', 'all'], db.env);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(
      /dailynk-sheet: failed \(run 3, live, cli\).*\[network: GET http:\/\/127\.0\.0\.1:47391\/robots\.txt: ECONNREFUSED\]/,
    );
    // the other sources' live fetches fail the same way (no network here)
    expect(res.stdout).toMatch(/dailynk-ko: failed \(run 4, live, cli\)/);
    expect(res.stdout).toMatch(/asiapress-ko: failed \(run 6, live, cli\)/);
    const runs = await cli(['runs', '--source', 'dailynk-sheet', '--limit', '2'], db.env);
    expect(runs.stdout.split('\n')[0]).toMatch(/run 3, live, cli/);
  });

  it('parses a saved sheet as a dry run, printing JSON lines and storing nothing', async () => {
    const res = await cli(
      [
        'parse',
        'dailynk-sheet',
        fixture('sources', 'dailynk-sheet', 'rate-bad-cells.csv'),
        '--tab',
        'rate',
        '--url',
        'https://example.org/x',
        '--fetched-at',
        '2024-01-02T03:04:05Z',
      ],
      db.env,
    );
    expect(res.code).toBe(0);
    const lines = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => !l.rejected)).toHaveLength(5);
    expect(lines[0]).toMatchObject({
      source: 'dailynk-sheet',
      commodityId: 'usd',
      sourceUrl: 'https://example.org/x',
      fetchedAt: '2024-01-02T03:04:05.000Z',
      parserVersion: 'dailynk-sheet/1.0.0',
    });
    expect(lines.filter((l) => l.rejected)).toHaveLength(10);
    expect(res.stderr).toMatch(/5 observations, 10 rejected/);
  });

  it('writes the convergence report as JSON or Markdown, and names an unknown commodity', async () => {
    const json = await cli(['report', 'rice', '--format', 'json', '--bootstrap', '0'], db.env);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { commodity: string; summary: string[] };
    expect(report.commodity).toBe('rice');
    expect(report.summary[0]).toMatch(
      /^The test uses 492 price observations of rice \(KPW\/kg, retail\) in North Korea in 3 markets/,
    );
    const out = path.join(db.dataDir, 'report.md');
    const md = await cli(['report', 'rice', '--out', out, '--bootstrap', '99'], db.env);
    expect(md.stderr).toMatch(/wrote .*report\.md/);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(
      /^# Did mobile phones even out rice prices in North Korea\? Convergence report/,
    );
    expect(text).toMatch(/\| national \(pair\) \| usd \(placebo\) \| coverage \|/);
    expect(text).toMatch(
      /\| national \(pair\) \| rice − placebo \(stacked\) \| coverage × commodity \|/,
    );
    expect(text).not.toMatch(/s\.e\. null|\| null \|/);
    const bad = await cli(['report', 'caviar'], db.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/commodity: unknown id caviar/);
  });

  it('imports a tower file, listing the refused rows with their reasons', async () => {
    const res = await cli(
      towerImport(fixture('towers', 'imagery-survey.csv'), 'csv', 'imagery-cli'),
      db.env,
    );
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toMatch(
      /^towers imagery-cli \(csv\): partial \(import \d+, run \d+\): read 8, inserted 3, updated 0, unchanged 0, merged 1, rejected 4 \(kept by country: PRK 3\)$/,
    );
    expect(res.stderr).toMatch(/row 5: first_seen "2012-02-30" is not a date YYYY-MM-DD/);
    // the same survey named as Kenya's: every point is outside Kenya, so nothing is imported
    const kenya = await cli(
      towerImport(
        fixture('towers', 'imagery-survey.csv'),
        'csv',
        'imagery-ken',
        '--country',
        'ken',
      ),
      db.env,
    );
    expect(kenya.code).toBe(1);
    expect(kenya.stdout).toMatch(
      /towers imagery-ken \(csv\): failed .*\[no valid tower in the file/,
    );
    expect(kenya.stderr).toMatch(/is outside Kenya \(more than 10 km from its outline\)/);
    const usage = await cli(
      towerImport(fixture('towers', 'imagery-survey.csv'), 'kml', 'x'),
      db.env,
    );
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--format: one of opencellid, csv, geojson, not kml/);
  });

  it('recognises a tower registry and a subscriptions table from their first lines', async () => {
    // unnamed: the file's first lines say it is a tower file, which needs its registry's name
    const unnamed = await cli(['import', fixture('towers', 'opencellid-467-noheader.csv')], db.env);
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toMatch(
      /--source: opencellid-467-noheader\.csv is a tower registry file: name the registry/,
    );
    const ocid = await cli(
      ['import', fixture('towers', 'opencellid-467-noheader.csv'), '--source', 'ocid-auto'],
      db.env,
    );
    expect(ocid.code).toBe(0);
    expect(ocid.stdout.trim()).toMatch(
      /^towers ocid-auto \(opencellid\): (succeeded|partial) \(import \d+, run \d+\): read \d+/,
    );
    // import towers without --format: the format from the file
    const geo = await cli(
      ['import', 'towers', fixture('towers', 'imagery-survey.geojson'), '--source', 'geo-auto'],
      db.env,
    );
    expect(geo.code).toBe(0);
    expect(geo.stdout.trim()).toMatch(
      /^towers geo-auto \(geojson\): partial \(import \d+, run \d+\): read 4, inserted 2/,
    );
    const notTowers = await cli(
      ['import', 'towers', fixture('wdi', 'subscriptions-long.csv'), '--source', 'x'],
      db.env,
    );
    expect(notTowers.code).toBe(2);
    expect(notTowers.stderr).toMatch(
      /import towers: subscriptions-long\.csv is not a tower file by its first lines .*--format opencellid\|csv\|geojson/,
    );
    // a WDI table and a tower file in one call: each its own run, by its own importer
    const folder = mkdtempSync(path.join(tmpdir(), 'nkmt-whole-'));
    copyFileSync(
      fixture('wdi', 'API_IT.CEL.SETS.P2_DS2_en_csv_v2_sample.csv'),
      path.join(folder, 'a-wdi.csv'),
    );
    copyFileSync(fixture('towers', 'imagery-survey.csv'), path.join(folder, 'b-survey.csv'));
    try {
      const both = await cli(['import', folder, '--source', 'survey-auto'], db.env);
      expect(both.code).toBe(0);
      expect(both.stdout.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^a-wdi\.csv: subscriptions \(wdi\): partial \(run \d+\): 35 values for 2 countries: inserted 35, updated 0, unchanged 0, rejected 2$/,
        ),
        expect.stringMatching(
          /^b-survey\.csv: towers survey-auto \(csv\): partial \(import \d+, run \d+\): read 8, inserted 3/,
        ),
        expect.stringMatching(
          /^2 files: 0 succeeded, 2 partial, 0 failed; inserted 38, updated 0, unchanged 0, rejected 6$/,
        ),
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('parses a saved page of any adapter as a dry run', async () => {
    const res = await cli(
      [
        'parse',
        'dailynk-ko',
        fixture('sources', 'dailynk-ko', 'market-table.html'),
        '--url',
        'http://www.dailynk.com/korean/market.php',
      ],
      db.env,
    );
    expect(res.code).toBe(0);
    const lines = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => !l.rejected)).toHaveLength(18);
    expect(lines.find((l) => l.commodityId === 'cny')).toMatchObject({
      source: 'dailynk-ko',
      marketId: 'hyesan',
      value: 1320,
      periodEnd: '2015-03-11',
    });
    expect(lines.filter((l) => l.rejected)).toHaveLength(8);
  });

  it('names the problem for bad usage, an unknown source and a layout change', async () => {
    expect((await cli(['ingest', 'nosuch'], db.env)).stderr).toMatch(
      /unknown source "nosuch" \(known: dailynk-sheet, dailynk-ko, dailynk-en, asiapress-ko, asiapress-en, nktimes-en\)/,
    );
    expect((await cli(['frobnicate'], db.env)).code).toBe(2);
    const layout = await cli(
      [
        'parse',
        'dailynk-sheet',
        fixture('sources', 'dailynk-sheet', 'rate-english-header.csv'),
        '--tab',
        'rate',
      ],
      db.env,
    );
    expect(layout.code).toBe(2);
    expect(layout.stderr).toMatch(/error: tab rate: header .* lacks the city columns/);
    const badEnv = await cli(['runs'], { ...db.env, PORT: 'eighty', ENABLE_CRON: 'perhaps' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/PORT: PORT must be an integer number/);
    expect(badEnv.stderr).toMatch(/ENABLE_CRON: ENABLE_CRON must be a boolean value/);
  });
});

describe('the newcomer commands on an empty data folder', () => {
  it('replays nothing as a no-op, and loads every shipped archive with ingest all --archive', async () => {
    const db = await freshDatabase('pglite', { LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false' });
    try {
      const replay = await cli(['replay', 'all', '--since', '2024-01-01'], db.env);
      expect(replay.code).toBe(0);
      const lines = replay.stdout.trim().split('\n');
      expect(lines).toHaveLength(6);
      expect(lines[0]).toBe(
        'dailynk-sheet: nothing to replay: no stored snapshot of dailynk-sheet since 2024-01-01 (ingest it first)',
      );
      // no failed run recorded, no source turned failing
      expect((await cli(['runs'], db.env)).stdout.trim()).toBe('');
      const archive = await cli(['ingest', 'all', '--archive'], db.env);
      expect(archive.code).toBe(0);
      expect(archive.stderr).toBe('');
      expect(archive.stdout.trim()).toMatch(
        /^dailynk-sheet: succeeded \(run 1, archive, cli\): inserted 981, updated 0, unchanged 0, rejected 0$/,
      );
    } finally {
      await db.cleanup();
    }
  });
});

describe('command line beside a running server on the same embedded database', () => {
  let db: TestDb;
  let app: INestApplication;
  beforeAll(async () => {
    db = await freshDatabase('pglite');
    app = await createApp(db.config);
  });
  afterAll(async () => {
    await app?.close();
    await db.cleanup();
  });

  it('hands an ingest to the server over HTTP instead of opening the database twice', async () => {
    const res = await cli(['ingest', 'dailynk-sheet', '--archive'], db.env);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/in use by the server on port \d+ .*handing the work to it/);
    expect(res.stdout).toMatch(
      /dailynk-sheet: succeeded \(run \d+, archive, cli\): inserted 0, updated 0, unchanged 981/,
    );
    const runs = await cli(['runs'], db.env);
    // the server's start-up runs (sample towers, archive) and the handed-over ingest
    expect(runs.stdout.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^dailynk-sheet: succeeded \(run \d+, archive, cli\)/),
      expect.stringMatching(/^dailynk-sheet: succeeded \(run \d+, archive, startup\)/),
      expect.stringMatching(/^towers:synthetic-sample: succeeded \(run \d+, import, startup\)/),
    ]);
  });

  it('hands a tower import to the server too', async () => {
    const res = await cli(
      towerImport(fixture('towers', 'imagery-survey.geojson'), 'geojson', 'imagery-handoff'),
      db.env,
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /towers imagery-handoff \(geojson\): partial \(import \d+, run \d+\): read 4, inserted 2/,
    );
  });

  it('refuses a second server on the same data folder with a message that says what to do', async () => {
    await expect(createApp(db.config)).rejects.toThrow(DataDirBusyError);
    await expect(createApp(db.config)).rejects.toThrow(
      /in use by a running server \(pid \d+, port \d+\)/,
    );
  });

  it("a second npm start says why in one line, without the running server's token or a stack trace", async () => {
    const token = (
      JSON.parse(readFileSync(path.join(db.dataDir, 'app.lock'), 'utf8')) as {
        token: string;
      }
    ).token;
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    const second = spawnNode(SERVER, [], { ...db.env, LOG_LEVEL: 'verbose' });
    const end = await second.exited;
    expect(end.code).toBe(1);
    expect(second.output().trim()).toMatch(
      /^the embedded database in .* is in use by a running server \(pid \d+, port \d+\)$/,
    );
    expect(second.output()).not.toContain(token);
    // and the error object itself, should anything log it, carries no token
    const err = await createApp(db.config).catch((e: DataDirBusyError) => e);
    expect(JSON.stringify(err)).not.toContain(token);
    expect(JSON.stringify((err as DataDirBusyError).info)).not.toContain('token');
  });
});

const serverOnly = TEST_DATABASES.filter((k) => k === 'postgres');
(serverOnly.length ? describe.each(serverOnly) : describe.skip.each(['postgres' as const]))(
  'command line on %s',
  (kind) => {
    it('needs no lock: a server and the command line share the database', async () => {
      const db = await freshDatabase(kind);
      const app = await createApp(db.config);
      try {
        const res = await cli(['ingest', 'dailynk-sheet', '--archive'], db.env);
        expect(res.stdout).toMatch(
          /succeeded \(run \d+, archive, cli\): inserted 0, updated 0, unchanged 981/,
        );
      } finally {
        await app.close();
        await db.cleanup();
      }
    });
  },
);

describe('import wfp from the command line', () => {
  it('imports directly, then through a running server (hand-off), with the same summary', async () => {
    const db = await freshDatabase('pglite', { LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false' });
    try {
      const file = fixture('wfp', 'wfp_food_prices_col.csv');
      const first = await cli(['import', 'wfp', file], db.env);
      expect(first.code).toBe(0);
      expect(first.stdout.trim()).toMatch(
        /^wfp-hdx: partial \(run \d+, import, cli\): inserted 190, updated 0, unchanged 0, rejected 5 \(COL, 199 rows read; skipped: 1 hxl-tags, 3 forecast\)$/,
      );
      expect(first.stderr).toMatch(/row 196: price: 0 is not positive/);
      const noCountry = await cli(
        ['import', 'wfp', fixture('towers', 'imagery-survey.csv')],
        db.env,
      );
      expect(noCountry.code).toBe(2);
      expect(noCountry.stderr).toMatch(
        /importer: the file is not a price file but Tower registry .*: import it with import towers <file> \(POST \/api\/imports\/towers\)/,
      );

      // a folder: one run per file, each recognised from its header, and a summary line
      const folder = mkdtempSync(path.join(tmpdir(), 'nkmt-imports-'));
      for (const name of ['wfp_vam_global_sample.csv', 'renamed_hxl_prices.csv'])
        copyFileSync(fixture('imports', name), path.join(folder, name));
      const several = await cli(['import', folder], db.env);
      expect(several.code).toBe(0);
      expect(several.stdout.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^renamed_hxl_prices\.csv: hxl: partial \(run \d+, import, cli\): inserted 3, updated 0, unchanged 0, rejected 2 \(COL 2, KEN 1, 7 rows read; skipped: 1 hxl-tags, 1 forecast\)$/,
        ),
        expect.stringMatching(
          /^wfp_vam_global_sample\.csv: wfp-hdx: partial \(run \d+, import, cli\): inserted 6, updated 0, unchanged 3, rejected 3 \(wfp-vam layout; COL 3, KEN 4, LBN 1, IRN 1, 12 rows read; 1 rows of average markets, kept as regions\)$/,
        ),
        '2 files: 0 succeeded, 2 partial, 0 failed; inserted 9, updated 0, unchanged 3, rejected 5',
      ]);
      rmSync(folder, { recursive: true, force: true });
      // the report for the imported country, one series at a time, as over HTTP
      const mixed = await cli(['report', 'rice', '--country', 'COL'], db.env);
      expect(mixed.code).toBe(2);
      expect(mixed.stderr).toMatch(/priceType: rice has 2 series in COL .* choose one/);
      const retailReport = (country: string) =>
        cli(
          [
            'report',
            'rice',
            '--country',
            country,
            '--price-type',
            'retail',
            '--format',
            'json',
            '--bootstrap',
            '0',
          ],
          db.env,
        );
      const local = await retailReport('col');
      expect(local.code).toBe(0);
      const localReport = JSON.parse(local.stdout) as { summary: string[] };
      expect(localReport.summary[0]).toMatch(/price observations of rice .* in \d+ markets/);
      expect(local.stdout).toContain('COL');
      const app = await createApp(db.config);
      try {
        const handed = await cli(['import', 'wfp', file, '--country', 'COL'], db.env);
        expect(handed.code).toBe(0);
        expect(handed.stderr).toMatch(/handing the work to it/);
        expect(handed.stdout).toMatch(
          /wfp-hdx: partial \(run \d+, import, cli\): inserted 0, updated 0, unchanged 190, rejected 5 \(COL, 199 rows read; skipped: 1 hxl-tags, 3 forecast\)/,
        );
        const handedReport = await retailReport('COL');
        expect(handedReport.code).toBe(0);
        expect(handedReport.stderr).toMatch(/handing the work to it/);
        expect(JSON.parse(handedReport.stdout)).toEqual(localReport);
      } finally {
        await app.close();
      }
    } finally {
      await db.cleanup();
    }
  }, 120_000);
});
