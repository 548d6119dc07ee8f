import { createServer, connect, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { freshDatabase, TEST_DATABASES, TEST_POSTGRES_URL, TestDb } from '../helpers/databases';
import { CLI, SERVER, spawnNode, stopServer } from '../helpers/processes';

// PostgreSQL faults: down when the server starts, and lost in the middle of a run. What is
// injected, what must happen, and what is lost (nothing).

const freePort = async (): Promise<number> => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
};

// A TCP proxy to the PostgreSQL server, started when the test says the database is "up".
function proxyTo(target: URL, port: number): Promise<{ server: Server; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({
        server,
        close: async () => {
          for (const s of sockets) s.destroy();
          await new Promise((r) => server.close(r));
        },
      }),
    ),
  );
}

const count = async (url: string, sql: string): Promise<number> => {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query<{ n: string }>(sql)).rows[0].n);
  } finally {
    await c.end();
  }
};

(TEST_DATABASES.includes('postgres') ? describe : describe.skip)('PostgreSQL faults', () => {
  let db: TestDb;
  beforeEach(async () => (db = await freshDatabase('postgres')));
  afterEach(async () => db.cleanup());

  it('down at boot: a waiting room answers health 503 with the reason, and the app comes up when the database does', async () => {
    const proxyPort = await freePort();
    const viaProxy = new URL(db.env.DATABASE_URL);
    viaProxy.port = String(proxyPort);
    const server = spawnNode(SERVER, [], {
      ...db.env,
      DATABASE_URL: viaProxy.toString(),
      DATABASE_RETRY_MS: '200',
      LOG_LEVEL: 'log',
      PORT: '0',
    });
    let proxy: Awaited<ReturnType<typeof proxyTo>> | undefined;
    try {
      const waiting = await server.waitFor(/503 on http:\/\/localhost:(\d+)\/api\/health/);
      const port = Number(waiting[1]);
      expect(server.output()).toMatch(/the database cannot be reached \(.*ECONNREFUSED/);
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(health.status).toBe(503);
      expect(health.headers.get('retry-after')).toBe('5');
      const body = (await health.json()) as { status: string; reason: string; attempts: number };
      expect(body.status).toBe('unavailable');
      expect(body.reason).toMatch(/the database cannot be reached: .*ECONNREFUSED/);
      const other = await fetch(`http://127.0.0.1:${port}/api/observations`);
      expect(other.status).toBe(503);

      const up = Date.now();
      proxy = await proxyTo(new URL(TEST_POSTGRES_URL), proxyPort); // the database "comes up"
      const serving = await server.waitFor(/serving on http:\/\/localhost:(\d+)\/api/, 60_000);
      expect(Number(serving[1])).toBe(port); // the same port the waiting room had
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { counts: { observations: number } }).counts.observations).toBe(
        981,
      );
      // backoff is capped: the first retries come quickly
      expect(Date.now() - up).toBeLessThan(30_000);
    } finally {
      await stopServer(server);
      await proxy?.close();
    }
  }, 120_000);

  it('lost in the middle of a run: the write is rolled back, the run is marked failed, and the next run stores everything', async () => {
    const url = db.env.DATABASE_URL;
    const cli = spawnNode(CLI, ['ingest', 'dailynk-sheet', '--archive'], {
      ...db.env,
      FAILPOINTS: 'observations:staged=pause',
      FAILPOINT_PAUSE_MS: '2000',
    });
    await cli.waitFor(/failpoint observations:staged: pause/);
    // every connection of the app to its database is cut, as a server restart or a failover would
    const admin = new Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    const killed = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [new URL(url).pathname.slice(1)],
    );
    await admin.end();
    expect(killed.rowCount).toBeGreaterThan(0);
    const exit = await cli.exited;
    expect(exit.code).toBe(1);
    expect(cli.output()).toMatch(
      /dailynk-sheet: failed \(run 1, archive, cli\).*\[\w+: .*(terminat|connection)/i,
    );
    expect(await count(url, 'SELECT count(*) AS n FROM observation')).toBe(0);
    expect(
      await count(url, "SELECT count(*) AS n FROM ingestion_run WHERE status = 'failed'"),
    ).toBe(1);

    const again = spawnNode(CLI, ['ingest', 'dailynk-sheet', '--archive'], db.env);
    expect((await again.exited).code).toBe(0);
    expect(again.output()).toMatch(
      /dailynk-sheet: succeeded \(run \d+, archive, cli\): inserted 981, updated 0, unchanged 0/,
    );
    expect(await count(url, 'SELECT count(*) AS n FROM observation')).toBe(981);
  }, 120_000);
});
