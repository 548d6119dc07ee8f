import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app.factory';
import { PrismaService } from '../../src/database/prisma.service';
import { HttpFetcher, retryAfterMs } from '../../src/ingestion/http-fetcher';
import { IngestionService } from '../../src/ingestion/ingestion.service';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';

const archive = (tab: string) =>
  readFileSync(
    path.join(__dirname, '..', '..', 'data', 'archive', 'dailynk-sheet', `${tab}.csv`),
    'utf8',
  );

type Route = (
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
) => void;

// A publisher that misbehaves on demand.
class Publisher {
  server?: Server;
  base = '';
  routes = new Map<string, Route>();
  log: { path: string; at: number; headers: import('node:http').IncomingHttpHeaders }[] = [];
  async start() {
    this.server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      this.log.push({ path: `${u.pathname}${u.search}`, at: Date.now(), headers: req.headers });
      const route =
        this.routes.get(`${u.pathname}?${u.searchParams.get('sheet') ?? ''}`) ??
        this.routes.get(u.pathname);
      if (route) route(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  hits(p: string) {
    return this.log.filter((l) => l.path.includes(p));
  }
  async stop() {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}

const csv =
  (body: string | Buffer, extra: Record<string, string> = {}): Route =>
  (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/csv', ...extra }).end(body);

describe('reading Retry-After', () => {
  it('takes seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Wed, 25 Nov 2026 10:00:10 GMT', Date.parse('2026-11-25T10:00:00Z'))).toBe(
      10_000,
    );
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe.each(TEST_DATABASES)('fetching like a good citizen on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  let ingestion: IngestionService;
  let prisma: PrismaService;
  const pub = new Publisher();

  beforeAll(async () => {
    await pub.start();
    db = await freshDatabase(kind, {
      DAILYNK_SHEET_URL: `${pub.base}/sheet?sheet={tab}`,
      HTTP_TIMEOUT_MS: '500',
      HTTP_MIN_INTERVAL_MS: '150',
      HTTP_MAX_BODY_BYTES: '200000',
      CONTACT_URL: 'https://example.org/contact',
    });
    app = await createApp(db.config, { listen: false });
    ingestion = app.get(IngestionService);
    prisma = app.get(PrismaService);
  });
  afterAll(async () => {
    await app?.close();
    await pub.stop();
    await db?.cleanup();
  });
  beforeEach(() => {
    pub.routes.clear();
    pub.routes.set('/sheet?rice', csv(archive('rice'), { etag: '"rice-v1"' }));
    pub.routes.set(
      '/sheet?rate',
      csv(archive('rate'), { 'last-modified': 'Tue, 24 Nov 2026 10:00:00 GMT' }),
    );
    pub.log = [];
  });

  it('names the project in the User-Agent and spaces requests to one host', async () => {
    const run = await ingestion.run('dailynk-sheet', 'cli');
    expect(run.status).toBe('succeeded');
    const sheetHits = pub.log.filter((l) => l.path.startsWith('/sheet'));
    expect(sheetHits[0].headers['user-agent']).toBe(
      'nk-market-tracker/0.1 (+https://example.org/contact)',
    );
    // measured on arrival at the server: opening a connection can delay one arrival a little
    const times = pub.log.map((l) => l.at);
    for (let i = 1; i < times.length; i++)
      expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(100);
  });

  it('sends the validators back and replays the stored page on 304 Not Modified', async () => {
    pub.routes.set('/sheet?rice', (req, res) => {
      if (req.headers['if-none-match'] === '"rice-v1"') res.writeHead(304).end();
      else res.writeHead(200).end(archive('rice'));
    });
    pub.routes.set('/sheet?rate', (req, res) => {
      if (req.headers['if-modified-since'] === 'Tue, 24 Nov 2026 10:00:00 GMT')
        res.writeHead(304).end();
      else res.writeHead(200).end(archive('rate'));
    });
    const run = await ingestion.run('dailynk-sheet', 'cli');
    expect(run).toMatchObject({ status: 'succeeded', rowsInserted: 0, rowsUnchanged: 981 });
    const fetches = await prisma.runFetch.findMany({ where: { runId: run.id } });
    expect(fetches.map((f) => f.httpStatus)).toEqual([304, 304]);
  });

  it('honours Retry-After on 429 and then succeeds', async () => {
    let n = 0;
    pub.routes.set('/sheet?rice', (_req, res) => {
      if (n++ === 0) res.writeHead(429, { 'retry-after': '1' }).end('slow down');
      else res.writeHead(200).end(archive('rice'));
    });
    const t0 = Date.now();
    const run = await ingestion.run('dailynk-sheet', 'cli');
    expect(run.status).toBe('succeeded');
    const rice = pub.hits('sheet=rice');
    expect(rice).toHaveLength(2);
    expect(rice[1].at - rice[0].at).toBeGreaterThanOrEqual(990);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
  });

  it('does not retry a permanent failure (404)', async () => {
    pub.routes.set('/sheet?rice', (_req, res) => res.writeHead(404).end());
    const run = await ingestion.run('dailynk-sheet', 'cli');
    expect(run).toMatchObject({ status: 'failed', errorKind: 'http_status' });
    expect(pub.hits('sheet=rice')).toHaveLength(1);
  });

  it('retries a truncated body and a timeout, then fails with the kind', async () => {
    pub.routes.set('/sheet?rice', (_req, res) => {
      res.writeHead(200, { 'content-length': '5000' });
      res.write('"","평양","신의주","혜산"\n');
      res.destroy();
    });
    const cut = await ingestion.run('dailynk-sheet', 'cli');
    expect(cut).toMatchObject({ status: 'failed', errorKind: 'network' });
    expect(cut.errorMessage).toMatch(/body cut off|UND_ERR_SOCKET/);
    expect(pub.hits('sheet=rice').length).toBe(4); // first try + HTTP_RETRIES (3)
    pub.log = [];
    pub.routes.set('/sheet?rice', () => undefined); // never answers
    const slow = await ingestion.run('dailynk-sheet', 'cli');
    expect(slow).toMatchObject({ status: 'failed', errorKind: 'timeout' });
  });

  it('rides out a burst of 5xx and connection resets, and fails a run whose resets do not stop', async () => {
    let n = 0;
    pub.routes.set('/sheet?rice', (req, res) => {
      if (++n <= 2) return void res.writeHead(503).end();
      if (n === 3) return void req.socket.destroy(); // a reset, no answer
      csv(archive('rice'), { etag: '"rice-v1"' })(req, res);
    });
    const ok = await ingestion.run('dailynk-sheet', 'cli');
    expect(ok.status).toBe('succeeded');
    expect(pub.hits('sheet=rice')).toHaveLength(4);
    const before = await prisma.observation.count();
    pub.log = [];
    pub.routes.set('/sheet?rice', (req) => void req.socket.destroy());
    const reset = await ingestion.run('dailynk-sheet', 'cli');
    expect(reset).toMatchObject({ status: 'failed', errorKind: 'network' });
    expect(pub.hits('sheet=rice')).toHaveLength(4); // first try + HTTP_RETRIES (3)
    expect(await prisma.observation.count()).toBe(before);
  });

  it('follows a redirect within the source, and refuses one to another host without fetching it', async () => {
    pub.routes.set('/sheet?rice', (_req, res) =>
      res.writeHead(302, { location: `${pub.base}/moved?sheet=rice` }).end(),
    );
    pub.routes.set('/moved?rice', csv(archive('rice')));
    expect((await ingestion.run('dailynk-sheet', 'cli')).status).toBe('succeeded');
    const before = await prisma.observation.count();
    pub.log = [];
    pub.routes.set('/sheet?rice', (_req, res) =>
      res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    );
    const away = await ingestion.run('dailynk-sheet', 'cli');
    expect(away).toMatchObject({ status: 'failed', errorKind: 'http_status' });
    expect(away.errorMessage).toMatch(
      /redirected \(HTTP 301\) to another host, http:\/\/169\.254\.169\.254; not followed/,
    );
    expect(pub.hits('sheet=rice')).toHaveLength(1); // permanent: not retried
    expect(await prisma.observation.count()).toBe(before);
  });

  it('reads a page in the encoding it declares, and fails one whose bytes do not match it', async () => {
    expect((await ingestion.run('dailynk-sheet', 'cli')).status).toBe('succeeded');
    const before = await prisma.observation.count();
    const eucKr = (tab: string) => iconv.encode(archive(tab), 'euc-kr');
    // the Korean city names in EUC-KR, declared: the same 981 values, nothing new
    pub.routes.set(
      '/sheet?rice',
      csv(eucKr('rice'), { 'content-type': 'text/csv; charset=EUC-KR' }),
    );
    pub.routes.set(
      '/sheet?rate',
      csv(eucKr('rate'), { 'content-type': 'text/csv; charset=euc-kr' }),
    );
    expect(await ingestion.run('dailynk-sheet', 'cli')).toMatchObject({
      status: 'succeeded',
      rowsInserted: 0,
      rowsUpdated: 0,
      rowsUnchanged: before,
    });
    // a replay decodes the stored pages with the encoding they were fetched with
    expect(await ingestion.run('dailynk-sheet', 'cli', 'replay')).toMatchObject({
      status: 'succeeded',
      rowsInserted: 0,
      rowsUnchanged: before,
    });
    // the same bytes declared as UTF-8, or not declared at all: refused before any parser reads them
    pub.routes.set(
      '/sheet?rice',
      csv(eucKr('rice'), { 'content-type': 'text/csv; charset=utf-8' }),
    );
    const wrong = await ingestion.run('dailynk-sheet', 'cli');
    expect(wrong).toMatchObject({ status: 'failed', errorKind: 'encoding' });
    expect(wrong.errorMessage).toMatch(/not valid utf-8 as declared/);
    pub.routes.set('/sheet?rice', csv(eucKr('rice')));
    const undeclared = await ingestion.run('dailynk-sheet', 'cli');
    expect(undeclared).toMatchObject({ status: 'failed', errorKind: 'encoding' });
    expect(undeclared.errorMessage).toMatch(/no encoding declared; UTF-8 assumed/);
    pub.routes.set(
      '/sheet?rice',
      csv(archive('rice'), { 'content-type': 'text/csv; charset=klingon' }),
    );
    const unknown = await ingestion.run('dailynk-sheet', 'cli');
    expect(unknown).toMatchObject({ status: 'failed', errorKind: 'encoding' });
    expect(unknown.errorMessage).toMatch(/"klingon" is not one this reader knows/);
    expect(await prisma.observation.count()).toBe(before);
    // the publisher mends it: the next run reads it again (and replays start from a good page)
    pub.routes.set('/sheet?rice', csv(archive('rice')));
    expect((await ingestion.run('dailynk-sheet', 'cli')).status).toBe('succeeded');
  });

  it('refuses a body over the size limit without retrying', async () => {
    pub.routes.set('/sheet?rice', csv('x'.repeat(300_000)));
    const run = await ingestion.run('dailynk-sheet', 'cli');
    expect(run).toMatchObject({ status: 'failed', errorKind: 'body_too_large' });
    expect(pub.hits('sheet=rice')).toHaveLength(1);
  });

  it('honours robots.txt', async () => {
    pub.routes.set('/robots.txt', (_req, res) =>
      res.writeHead(200).end('User-agent: nk-market-tracker\nDisallow: /sheet\n'),
    );
    const fetcher = new HttpFetcher(
      { ...db.config, http: { ...db.config.http, minIntervalMs: 0 } },
      app.get(HttpFetcher)['cache'],
    );
    await expect(fetcher.get(`${pub.base}/sheet?sheet=rice`, 'rice')).rejects.toThrow(
      /disallowed by .*robots\.txt/,
    );
    pub.routes.set('/robots.txt', (_req, res) =>
      res.writeHead(200).end('User-agent: *\nDisallow: /private\n'),
    );
    const other = new HttpFetcher(
      { ...db.config, http: { ...db.config.http, minIntervalMs: 0 } },
      app.get(HttpFetcher)['cache'],
    );
    await expect(other.get(`${pub.base}/sheet?sheet=rice`, 'rice')).resolves.toMatchObject({
      httpStatus: 200,
    });
  });

  it('replays stored snapshots with the current parser, through the same idempotent write', async () => {
    const run = await ingestion.run('dailynk-sheet', 'cli', 'replay');
    expect(run).toMatchObject({
      mode: 'replay',
      status: 'succeeded',
      rowsInserted: 0,
      rowsUnchanged: 981,
    });
    await prisma.observation.deleteMany({ where: { commodityId: 'usd' } });
    const again = await ingestion.run('dailynk-sheet', 'cli', 'replay', {
      since: new Date('2000-01-01'),
    });
    expect(again).toMatchObject({ rowsInserted: 489, rowsUnchanged: 492 });
  });

  it('flags a run whose row count falls far below the recent runs', async () => {
    const head = (tab: string) => archive(tab).split('\n').slice(0, 6).join('\n') + '\n';
    pub.routes.set('/sheet?rice', csv(head('rice')));
    pub.routes.set('/sheet?rate', csv(head('rate')));
    const run = await ingestion.run('dailynk-sheet', 'cli');
    expect(run.status).toBe('partial');
    expect(run.rowsParsed).toBe(30);
    expect(run.warning).toMatch(
      /row count dropped: 30 parsed, against a median of 981 in recent live runs/,
    );
  });
});

const serverOnly = TEST_DATABASES.filter((k) => k === 'postgres');
// TEST_DATABASES=pglite: the server-only suite is skipped, not an error
(serverOnly.length ? describe.each(serverOnly) : describe.skip.each(['postgres' as const]))(
  'two replicas on one %s database',
  (kind) => {
    const pub = new Publisher();
    let db: TestDb;
    beforeAll(async () => {
      await pub.start();
      // a slow publisher, so that the two runs overlap
      const slow =
        (tab: string): Route =>
        (_req, res) =>
          setTimeout(() => res.writeHead(200).end(archive(tab)), 400);
      pub.routes.set('/sheet?rice', slow('rice'));
      pub.routes.set('/sheet?rate', slow('rate'));
      db = await freshDatabase(kind, {
        DAILYNK_SHEET_URL: `${pub.base}/sheet?sheet={tab}`,
        LOAD_ARCHIVE_ON_EMPTY: 'false',
      });
    });
    afterAll(async () => {
      await pub.stop();
      await db.cleanup();
    });

    it('never run the same source at the same moment: one run, no duplicate rows', async () => {
      const a = await createApp(db.config, { listen: false });
      const b = await createApp(db.config, { listen: false });
      try {
        const results = await Promise.allSettled([
          a.get(IngestionService).run('dailynk-sheet', 'cron'),
          b.get(IngestionService).run('dailynk-sheet', 'cron'),
        ]);
        const ok = results.filter((r) => r.status === 'fulfilled');
        const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(ok).toHaveLength(1);
        expect(refused).toHaveLength(1);
        expect(String(refused[0].reason)).toMatch(/already in progress on another instance/);
        const prisma = a.get(PrismaService);
        // one run of the source (the start-up's sample towers are runs of their own source)
        expect(await prisma.ingestionRun.count({ where: { sourceId: 'dailynk-sheet' } })).toBe(1);
        expect(await prisma.observation.count()).toBe(981);
        expect(await prisma.sourceLease.count()).toBe(0); // released
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('lets a running ingest finish when the app shuts down', async () => {
      const app = await createApp(db.config, { listen: false });
      const prisma = app.get(PrismaService);
      const before = await prisma.ingestionRun.count();
      const running = app.get(IngestionService).run('dailynk-sheet', 'cli');
      await new Promise((r) => setTimeout(r, 100));
      await app.close();
      const run = await running;
      expect(run.status).toBe('succeeded');
      const check = await createApp(db.config, { listen: false });
      try {
        const runs = await check
          .get(PrismaService)
          .ingestionRun.findMany({ orderBy: { id: 'asc' } });
        expect(runs).toHaveLength(before + 1);
        expect(runs[runs.length - 1]).toMatchObject({ status: 'succeeded', rowsUnchanged: 981 });
      } finally {
        await check.close();
      }
    });
  },
);
