import { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app.factory';
import { PrismaService } from '../../src/database/prisma.service';
import { exitCodeFor, runCli } from '../../src/cli/cli';
import { freshDatabase, TestDb } from '../helpers/databases';
import { fixture } from '../helpers/markets';

// Every command that touches the database, run both ways on the embedded database: in this
// process (no server holds the data folder), and handed to a running server over HTTP (one does).
// Each command is written once against one interface, so the two must print the same lines and
// exit with the same code, for work done and for bad input alike.

interface Outcome {
  code: number;
  out: string[];
  err: string[];
}

async function cli(args: string[], env: Record<string, string>): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  const code = await runCli(args, io, env).catch((e: unknown) => exitCodeFor(e, io));
  return {
    code,
    out,
    // the one line that differs by design: where the work went
    err: err.filter((l) => !l.startsWith('the embedded database is in use by')),
  };
}

const STEPS: { args: string[]; code: number }[] = [
  { args: ['ingest', 'dailynk-sheet', '--archive'], code: 0 },
  { args: ['ingest', 'dailynk-sheet', '--archive'], code: 0 }, // unchanged rows the second time
  { args: ['replay', 'dailynk-sheet', '--since', '2009-01-01'], code: 0 },
  { args: ['runs', '--limit', '2'], code: 0 },
  { args: ['runs', '--source', 'no-such-source'], code: 2 },
  { args: ['import', 'wfp', fixture('wfp', 'wfp_food_prices_col.csv')], code: 0 },
  {
    args: ['import', 'wfp', fixture('wfp', 'wfp_food_prices_col.csv'), '--country', 'ZZZ'],
    code: 2,
  },
  { args: ['import', 'subscriptions', fixture('wdi', 'subscriptions-long.csv')], code: 0 },
  {
    args: [
      'import',
      'towers',
      fixture('towers', 'opencellid-467.csv'),
      '--format',
      'opencellid',
      '--source',
      'opencellid-test',
    ],
    code: 0,
  },
  { args: ['report', 'rice', '--format', 'json', '--bootstrap', '19'], code: 0 },
  { args: ['report', 'rice', '--country', 'COL'], code: 2 }, // no rice series in Colombia's file
  { args: ['report', 'no-such-commodity'], code: 2 },
  { args: ['ingest', 'no-such-source'], code: 2 },
];

describe('every command, in process and handed to a running server (PGlite)', () => {
  const quiet = { LOAD_ARCHIVE_ON_EMPTY: 'false', LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false' };
  let local: TestDb;
  let remote: TestDb;
  let server: INestApplication;
  beforeAll(async () => {
    local = await freshDatabase('pglite', quiet);
    remote = await freshDatabase('pglite', { ...quiet, ADMIN_TOKEN: 'not-the-lock-token' });
    server = await createApp(remote.config);
  });
  afterAll(async () => {
    await server?.close();
    await local?.cleanup();
    await remote?.cleanup();
  });

  it('migrate: both say the schema is current, in their words', async () => {
    const here = await cli(['migrate'], local.env);
    const there = await cli(['migrate'], remote.env);
    expect(here).toMatchObject({ code: 0, out: ['database schema is current'] });
    expect(there.code).toBe(0);
    expect(there.out[0]).toMatch(/the running server \(pid \d+\) applied the migrations/);
  });

  it.each(STEPS.map((s) => [s.args.join(' ').replace(/\/\S+\//g, ''), s] as const))(
    '%s: the same lines and exit code both ways',
    async (_name, step) => {
      const here = await cli(step.args, local.env);
      const there = await cli(step.args, remote.env);
      expect(here.code).toBe(step.code);
      expect(here.out.length + here.err.length).toBeGreaterThan(0);
      expect(there).toEqual(here);
    },
    120_000,
  );
});

describe('what a hand-off records', () => {
  it("keeps the tower file's own name, as the command run here does", async () => {
    const db = await freshDatabase('pglite', {
      LOAD_ARCHIVE_ON_EMPTY: 'false',
      LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false',
    });
    const server = await createApp(db.config);
    try {
      const r = await cli(
        [
          'import',
          'towers',
          fixture('towers', 'opencellid-467.csv'),
          '--format',
          'opencellid',
          '--source',
          'opencellid-handed',
        ],
        db.env,
      );
      expect(r.code).toBe(0);
      const imports = await server.get(PrismaService).towerImport.findMany();
      expect(imports.map((i) => i.fileName)).toEqual(['opencellid-467.csv']);
    } finally {
      await server.close();
      await db.cleanup();
    }
  });
});

describe('a progress line on a terminal', () => {
  it('redraws the share of the file read, here and handed to a server, and never under cron', async () => {
    const quiet = { LOAD_ARCHIVE_ON_EMPTY: 'false', LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false' };
    const here = await freshDatabase('pglite', quiet);
    const there = await freshDatabase('pglite', quiet);
    const server = await createApp(there.config);
    try {
      const file = fixture('wfp', 'wfp_food_prices_col.csv');
      for (const db of [here, there]) {
        const shown: string[] = [];
        const out: string[] = [];
        const io = {
          out: (l: string) => out.push(l),
          err: () => undefined,
          progress: (l: string) => shown.push(l),
        };
        expect(await runCli(['import', file], io, db.env)).toBe(0);
        expect(shown.length).toBeGreaterThan(0);
        expect(shown[shown.length - 1]).toMatch(
          /^wfp_food_prices_col\.csv: read \d+\.\d of \d+\.\d MiB \(100 %\)$/,
        );
        expect(out[0]).toMatch(/^wfp-hdx: /);
      }
      // no terminal (cron, a pipe): the same import prints only its summary
      const lines: string[] = [];
      const code = await runCli(
        ['import', file],
        { out: (l) => lines.push(l), err: () => undefined },
        here.env,
      );
      expect([code, lines.length]).toEqual([0, 1]);
    } finally {
      await server.close();
      await here.cleanup();
      await there.cleanup();
    }
  });
});
