import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freshDatabase, TestDb } from '../helpers/databases';
import { CLI, SERVER, spawnNode, Spawned, stopServer } from '../helpers/processes';

// One exit-code table whether a command runs in-process or is handed to a running server:
// a busy source is skipped (exit 1) and `ingest all` goes on to the others; a server that cannot
// be reached is one line and exit 1, never a stack trace or the usage text.

const CLOSED = 'http://127.0.0.1:47391';

describe('command-line exit codes when handing work to a running server', () => {
  let db: TestDb;
  let server: Spawned;
  let holder: Spawned | undefined;
  beforeAll(async () => {
    db = await freshDatabase('pglite', {
      LOAD_ARCHIVE_ON_EMPTY: 'false',
      LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false',
      HTTP_RETRIES: '0',
      HTTP_TIMEOUT_MS: '2000',
      DAILYNK_SHEET_URL: `${CLOSED}/sheet?tab={tab}`,
      DAILYNK_KO_URL: `${CLOSED}/ko`,
      DAILYNK_EN_URL: `${CLOSED}/en`,
      ASIAPRESS_KO_URL: `${CLOSED}/apko`,
      ASIAPRESS_EN_URL: `${CLOSED}/apen`,
    });
    server = spawnNode(SERVER, [], {
      ...db.env,
      LOG_LEVEL: 'log',
      FAILPOINTS: 'ingestion:run-started=pause-once',
    });
    await server.waitFor(/serving on http:\/\/localhost:\d+\/api/);
  }, 60_000);
  afterAll(async () => {
    holder?.proc.kill('SIGKILL');
    server.proc.kill('SIGKILL');
    await stopServer(server);
    await db.cleanup();
  });

  it('skips a busy source with exit 1 and goes on to the other sources', async () => {
    // a run of dailynk-sheet held mid-run on the server (no transaction open: PGlite has one connection)
    holder = spawnNode(CLI, ['ingest', 'dailynk-sheet', '--archive'], db.env);
    await server.waitFor(/failpoint ingestion:run-started: pause-once/);
    const all = spawnNode(CLI, ['ingest', 'all'], db.env);
    const end = await all.exited;
    const out = all.output();
    expect(end.code).toBe(1);
    expect(out).toMatch(
      /skipped: an ingestion run of dailynk-sheet is already in progress in this process/,
    );
    // the other four were tried (and fail: their URLs point at a closed port)
    for (const id of ['dailynk-ko', 'dailynk-en', 'asiapress-ko', 'asiapress-en'])
      expect(out).toMatch(new RegExp(`${id}: failed \\(run \\d+, live, cli\\)`));
    expect(out).not.toMatch(/usage:/);
  }, 60_000);

  it('a server that cannot be reached is one line and exit 1', async () => {
    const other = await freshDatabase('pglite');
    try {
      // a lock naming a live process (this test runner) and a port where nothing listens
      writeFileSync(
        path.join(other.dataDir, 'app.lock'),
        JSON.stringify({
          pid: process.pid,
          holder: 'server',
          startedAt: new Date().toISOString(),
          port: 47392,
          host: '127.0.0.1',
          token: 'x',
        }),
      );
      const res = spawnNode(CLI, ['ingest', 'dailynk-sheet'], other.env);
      expect((await res.exited).code).toBe(1);
      expect(res.output()).toMatch(
        /error: could not reach the running server at http:\/\/127\.0\.0\.1:47392 \(pid \d+\): ECONNREFUSED/,
      );
      expect(res.output()).not.toMatch(/\n\s+at /);
    } finally {
      await other.cleanup();
    }
  });
});
