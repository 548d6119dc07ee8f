import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { signatureOf } from '../../src/analysis/alerts/alert-feed.service';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/app-config';
import { PrismaService } from '../../src/database/prisma.service';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';
import { readFixture } from '../helpers/markets';

// The alert feed against a local HTTP server: a run that writes prices ends, the planted spike of
// the R fixture's WFP-shaped series is recorded and POSTed once, signed, retried after a 500, and
// never sent again (another import, a restart); the Atom feed lists it. Both databases.
const SECRET = 'feed-secret';

function hdxFile(bump = 0): string {
  const rows = parse<Record<string, string>>(readFixture('analysis', 'alerts', 'prices.csv'), {
    columns: true,
  }).filter((r) => !r.market.startsWith('prk-'));
  const code = { spike: 1, gappy: 2, short: 3 } as Record<string, number>;
  return [
    'date,admin1,admin2,market,market_id,latitude,longitude,category,commodity,commodity_id,unit,priceflag,pricetype,currency,price,usdprice',
    ...rows.map(
      (r, i) =>
        `${r.month}-15,Coast,Mombasa,${r.market},${code[r.market]},,,cereals and tubers,Maize,2,KG,actual,Retail,KES,${Number(r.price) + (i === 0 ? bump : 0)},`,
    ),
  ].join('\n');
}

interface Received {
  body: string;
  signature: string | undefined;
  answered: number;
}

describe.each(TEST_DATABASES)('the price-alert webhook on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  let hook: Server;
  const received: Received[] = [];
  let failFirst = 1;
  const auth = { authorization: 'Bearer secret-token' };
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let s = '';
      req.on('data', (c: Buffer) => (s += c.toString('utf8')));
      req.on('end', () => resolve(s));
    });
  const until = async (ok: () => boolean, ms = 20_000) => {
    const t0 = Date.now();
    while (!ok()) {
      if (Date.now() - t0 > ms) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const importFile = (body: string) =>
    request(app.getHttpServer())
      .post('/api/imports/wfp?fileName=wfp_food_prices_ken.csv')
      .set(auth)
      .set('content-type', 'text/csv')
      .send(body)
      .expect(200);

  beforeAll(async () => {
    hook = createServer((req, res) => {
      void read(req).then((body) => {
        const answered = failFirst-- > 0 ? 500 : 200;
        received.push({
          body,
          signature: req.headers['x-alert-signature'] as string | undefined,
          answered,
        });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as AddressInfo).port;
    db = await freshDatabase(kind, {
      ADMIN_TOKEN: 'secret-token',
      ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
      ALERT_WEBHOOK_SECRET: SECRET,
      ALERT_WEBHOOK_RETRIES: '3',
      ALERT_WEBHOOK_RETRY_BASE_MS: '20',
    });
    app = await createApp(db.config);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
    await new Promise((r) => hook.close(r));
  });

  it('POSTs the new alert once, signed, after retrying a 500', async () => {
    await importFile(hdxFile());
    await until(() => received.some((r) => r.answered === 200));
    expect(received.map((r) => r.answered)).toEqual([500, 200]);
    const sent = received[1];
    expect(sent.body).toBe(received[0].body); // the same batch, retried
    expect(sent.signature).toBe(signatureOf(sent.body, SECRET));
    const payload = JSON.parse(sent.body) as {
      type: string;
      alerts: {
        country: string;
        commodity: string;
        month: string;
        class: string;
        market: string;
        marketName: string;
        commodityName: string;
      }[];
    };
    expect(payload.type).toBe('price-alerts');
    expect(payload.alerts).toEqual([
      expect.objectContaining({
        country: 'KEN',
        commodity: 'maize',
        month: '2021-12',
        class: 'crisis',
        market: 'ken-coast-spike',
        marketName: 'spike',
        commodityName: 'Maize',
      }),
    ]);
    // the ledger is updated after the 200 is read: wait for it (CI saw the row a moment before)
    const prisma = app.get(PrismaService);
    let row = await prisma.alertDelivery.findFirstOrThrow();
    for (let i = 0; i < 200 && !row.deliveredAt; i++) {
      await new Promise((r) => setTimeout(r, 50));
      row = await prisma.alertDelivery.findFirstOrThrow();
    }
    expect(row).toMatchObject({ attempts: 2, lastError: null, alpsClass: 'crisis' });
    expect(row.deliveredAt).not.toBeNull();
  });

  it('never sends it again: another import that changes prices, then a restart', async () => {
    const before = received.length;
    await importFile(hdxFile(0.5)); // one earlier price changes: a run that writes
    await app.get(PrismaService).$queryRawUnsafe('SELECT 1');
    await new Promise((r) => setTimeout(r, 500));
    await app.close();
    app = await createApp(loadConfig(db.env));
    await new Promise((r) => setTimeout(r, 500));
    expect(received.length).toBe(before);
    expect(await app.get(PrismaService).alertDelivery.count()).toBe(1);
  });

  it("lists the alert in the Atom feed, by the market's and commodity's names", async () => {
    const res = await request(app.getHttpServer()).get('/api/alerts.atom').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
    expect(res.text).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(res.text).toMatch(
      /<title>Kenya: Maize at spike in crisis \(ALPS 7\.\d\d\) in 2021-12<\/title>/,
    );
    expect(res.text).toContain('Sent to the webhook');
  });
});
