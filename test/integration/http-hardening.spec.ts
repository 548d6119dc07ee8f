import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import express from 'express';
import { createApp } from '../../src/app.factory';
import { readTimeout } from '../../src/api/http-hardening';
import { freshDatabase, TestDb } from '../helpers/databases';

// Security headers, CORS closed unless configured, per-client rate limits on public reads (429
// with Retry-After), and a time limit on a read's answer.

async function serve(env: Record<string, string>) {
  const db = await freshDatabase('pglite', { LOAD_ARCHIVE_ON_EMPTY: 'false', ...env });
  const app = await createApp(db.config);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { db, app, url: (p: string) => `http://127.0.0.1:${port}${p}` };
}

describe('an app with the defaults (CORS closed)', () => {
  let db: TestDb;
  let app: INestApplication;
  let url: (p: string) => string;
  beforeAll(async () => ({ db, app, url } = await serve({})));
  afterAll(async () => {
    await app.close();
    await db.cleanup();
  });

  it('sends security headers and no X-Powered-By', async () => {
    for (const p of ['/api/markets', '/', '/api/docs']) {
      const res = await fetch(url(p));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(res.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it("serves the dashboard's page, stylesheet and bundle, and nothing else of web/", async () => {
    for (const p of ['/', '/index.html', '/dashboard.css', '/dist/dashboard.js'])
      expect([p, (await fetch(url(p))).status]).toEqual([p, 200]);
    for (const p of [
      '/src/main.ts',
      '/src/api-schema.d.ts',
      '/tsconfig.json',
      '/dist/',
      '/web/index.html',
    ])
      expect([p, (await fetch(url(p))).status]).toEqual([p, 404]);
  });

  it('answers no cross-origin request: no Access-Control-Allow-Origin, preflight refused', async () => {
    const res = await fetch(url('/api/markets'), { headers: { Origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(url('/api/markets'), {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('an app with CORS origins and rate limits configured', () => {
  let db: TestDb;
  let app: INestApplication;
  let url: (p: string) => string;
  beforeAll(
    async () =>
      ({ db, app, url } = await serve({
        CORS_ORIGINS: 'https://dash.example.org',
        RATE_LIMIT_PER_MINUTE: '5',
        RATE_LIMIT_ANALYSIS_PER_MINUTE: '2',
      })),
  );
  afterAll(async () => {
    await app.close();
    await db.cleanup();
  });

  it('allows reads from the configured origin only', async () => {
    const ok = await fetch(url('/api/health'), {
      headers: { Origin: 'https://dash.example.org' },
    });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://dash.example.org');
    const other = await fetch(url('/api/health'), { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a client over its budget with 429, Retry-After and the limit; health is never limited', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await fetch(url('/api/commodities'))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const res = await fetch(url('/api/markets'));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('ratelimit-policy')).toMatch(/^5;w=60/);
    expect((await res.json()).message).toMatch(/at most 5 requests per minute per client/);
    for (let i = 0; i < 10; i++) expect((await fetch(url('/api/health'))).status).toBe(200);
  });
});

describe('an app with an analysis budget only', () => {
  let db: TestDb;
  let app: INestApplication;
  let url: (p: string) => string;
  beforeAll(async () => ({ db, app, url } = await serve({ RATE_LIMIT_ANALYSIS_PER_MINUTE: '2' })));
  afterAll(async () => {
    await app.close();
    await db.cleanup();
  });

  it('gives the statistics a smaller budget of their own, leaving the other reads alone', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await fetch(url('/api/analysis/dispersion?commodity=rice'))).status);
    expect(statuses.slice(0, 2).every((s) => s !== 429)).toBe(true);
    expect(statuses[2]).toBe(429);
    const res = await fetch(url('/api/analysis/beta?commodity=rice'));
    expect((await res.json()).message).toMatch(/at most 2 analysis requests per minute/);
    expect((await fetch(url('/api/markets'))).status).toBe(200);
  });
});

describe('the time limit on a read', () => {
  it('answers 503 naming REQUEST_TIMEOUT_MS when a read is slow, and drops the late answer', async () => {
    const ex = express();
    ex.use(readTimeout(150));
    let late: unknown;
    ex.get('/slow', (_req, res) => {
      setTimeout(() => {
        try {
          res.status(200).json({ late: true });
          late = 'dropped';
        } catch (err) {
          late = err;
        }
      }, 400);
    });
    ex.get('/fast', (_req, res) => void res.json({ ok: true }));
    const server = ex.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const t0 = Date.now();
      const res = await fetch(`${base}/slow`);
      expect(res.status).toBe(503);
      expect(Date.now() - t0).toBeLessThan(380);
      expect(res.headers.get('retry-after')).toBe('60');
      expect((await res.json()).message).toMatch(/REQUEST_TIMEOUT_MS \(150 ms\)/);
      expect((await fetch(`${base}/fast`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 400));
      expect(late).toBe('dropped');
    } finally {
      server.close();
    }
  });
});
