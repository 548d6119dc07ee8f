import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app.factory';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { freshDatabase, TestDb } from '../helpers/databases';

// Bodies are read only after the token check and within each endpoint's cap: an unauthenticated
// client announcing 54 MB gets its 401 before the server reads the body; an oversize body is a 413.

interface Answer {
  status: number;
  body: string;
  bytesSent: number;
}

// Announces `declared` bytes, sends only the first `send` of them, and waits for the answer.
function partialPost(
  port: number,
  path: string,
  headers: Record<string, string>,
  declared: number,
  send: number,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { ...headers, 'content-length': String(declared) },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, bytesSent: send }));
      },
    );
    req.on('error', reject);
    req.write(Buffer.alloc(send, 'x'));
    // never end: a server that waits for the whole body would never answer
  });
}

describe('request bodies: the token first, then a cap per endpoint', () => {
  let db: TestDb;
  let app: INestApplication;
  let port: number;
  beforeAll(async () => {
    db = await freshDatabase('pglite', {
      ADMIN_TOKEN: 'secret-token',
      MAX_POLYGON_BYTES: '4096',
      LOAD_ARCHIVE_ON_EMPTY: 'false',
    });
    app = await createApp(db.config);
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    await db.cleanup();
  });

  it('answers an unauthenticated 54 MB upload with 401 before reading it', async () => {
    const a = await partialPost(
      port,
      '/api/coverage/towers/import?format=csv&source=x',
      { 'content-type': 'text/csv' },
      54 * 1024 * 1024,
      64 * 1024,
    );
    expect(a.status).toBe(401);
    expect(JSON.parse(a.body).message).toBe('authorization: a Bearer token is required');
  });

  it('answers a wrong token with 403, before reading the body', async () => {
    const a = await partialPost(
      port,
      '/api/ingestion/runs',
      { 'content-type': 'application/json', authorization: 'Bearer nope' },
      50 * 1024 * 1024,
      1024,
    );
    expect(a.status).toBe(403);
    expect(JSON.parse(a.body).message).toBe('authorization: the Bearer token is not valid');
  });

  it('refuses a body over the endpoint cap with 413 naming the limit, even with the token', async () => {
    const a = await partialPost(
      port,
      '/api/ingestion/runs',
      { 'content-type': 'application/json', authorization: 'Bearer secret-token' },
      50 * 1024 * 1024,
      1024,
    );
    expect(a.status).toBe(413);
    expect(JSON.parse(a.body).message).toBe('body: a run request takes at most 16384 bytes');
  });

  it('caps the public area-share polygon too (MAX_POLYGON_BYTES), also when the length is not declared', async () => {
    const big = JSON.stringify({
      type: 'Polygon',
      coordinates: [[...Array(400)].map((_, i) => [125 + i / 1000, 39])],
    });
    expect(big.length).toBeGreaterThan(4096);
    const res = await fetch(`http://127.0.0.1:${port}/api/coverage/area-share`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // a stream: sent chunked, with no Content-Length to refuse early
      body: new Blob([big]).stream(),
      duplex: 'half',
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { message: string }).message).toBe(
      'body: an area polygon takes at most 4096 bytes',
    );
  });

  it('a malformed JSON body is a 400 that says so', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/coverage/area-share`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type": "Polygon", ',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/^body: /);
  });
});

describe('writes without ADMIN_TOKEN', () => {
  it('says writes are disabled and which setting enables them, on every write endpoint', async () => {
    const db = await freshDatabase('pglite', { LOAD_ARCHIVE_ON_EMPTY: 'false' });
    const app = await createApp(db.config);
    try {
      const http = request(app.getHttpServer());
      for (const [path, type, body] of [
        ['/api/ingestion/runs', 'application/json', '{"source":"dailynk-sheet"}'],
        ['/api/imports/wfp?country=COL', 'text/csv', 'date\n'],
        ['/api/imports/wfp-vam', 'text/csv', 'date\n'],
        ['/api/imports/subscriptions', 'text/csv', 'country,year,value\n'],
        ['/api/coverage/towers/import?format=csv&source=x', 'text/csv', 'lat\n'],
      ]) {
        for (const auth of [undefined, 'Bearer guess']) {
          const req = http.post(path).set('content-type', type);
          if (auth) void req.set('authorization', auth);
          const res = await req.send(body);
          expect([path, res.status]).toEqual([path, 403]);
          expect(res.body.detail).toMatch(
            /^authorization: writes over the API are disabled: set ADMIN_TOKEN on the server to enable them/,
          );
        }
      }
      // the command line's hand-off (the lock-file token) still works
      const token = app.get(PrismaService).lock!.token;
      await http
        .post('/api/ingestion/runs')
        .set('authorization', `Bearer ${token}`)
        .send({ source: 'dailynk-sheet', mode: 'archive' })
        .expect(201);
    } finally {
      await app.close();
      await db.cleanup();
    }
  });
});
