import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { Browser, chromium } from 'playwright-core';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { freshDatabase, TestDb } from '../helpers/databases';

// The dashboard in a real browser: Debian's Chromium driven by playwright-core. CI installs it
// (.ci/run); elsewhere without it the suite is skipped with a note, never faked.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && !process.env.CI)
  console.warn(`dashboard tests skipped: no browser at ${CHROMIUM} (apt-get install chromium)`);
const suite = haveBrowser || process.env.CI ? describe : describe.skip;

suite('dashboard in Chromium', () => {
  let db: TestDb;
  let app: INestApplication;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    db = await freshDatabase('pglite');
    app = await createApp(db.config);
    base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.cleanup();
  });

  it('draws the dispersion series, writes the report and lists the sources from the API', async () => {
    const http = request(app.getHttpServer());
    const dispersion = (await http.get('/api/analysis/dispersion?commodity=rice').expect(200))
      .body as { series: unknown[] };
    const report = (await http.get('/api/analysis/convergence?commodity=rice').expect(200))
      .body as { summary: string[] };
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    expect(Number(await page.getAttribute('#dispersion-chart polyline.cv', 'data-points'))).toBe(
      dispersion.series.length,
    );
    expect(
      Number(await page.getAttribute('#dispersion-chart polyline.subs', 'data-points')),
    ).toBeGreaterThan(100);
    expect(await page.locator('#summary li').first().textContent()).toBe(report.summary[0]);
    expect(await page.locator('#summary li').count()).toBe(report.summary.length);
    const sheet = page.locator('#sources tr[data-source="dailynk-sheet"] td');
    expect(await sheet.nth(1).textContent()).toBe('ok');
    expect(await sheet.nth(2).textContent()).toBe('981');
    expect(await page.locator('#credit').textContent()).toMatch(/Daily NK/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('redraws for another commodity', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.selectOption('#commodity', 'usd');
    // expressions as strings: they run in the page, where document exists (the test's types have no DOM)
    const cvPoints =
      "document.querySelector('#dispersion-chart polyline.cv')?.getAttribute('data-points') === '163'";
    await page.waitForFunction(cvPoints, undefined, { timeout: 30_000 });
    const summary =
      "document.querySelector('#summary li')?.textContent?.startsWith('The test uses 489 usd price observations')";
    await page.waitForFunction(summary, undefined, { timeout: 30_000 });
    await page.close();
  });
});
