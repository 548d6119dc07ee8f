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
    // a Content-Security-Policy violation is reported on the console, not as a page error
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
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
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${base}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.selectOption('#commodity', 'usd');
    // Selectors, not waitForFunction: Playwright evaluates a waitForFunction predicate in the page,
    // which the dashboard's Content-Security-Policy (script-src 'self', no eval) rightly refuses.
    await page.waitForSelector('#dispersion-chart polyline.cv[data-points="163"]', {
      state: 'attached',
      timeout: 30_000,
    });
    await page
      .locator('#summary li')
      .first()
      .filter({ hasText: /^The test uses 489 usd price observations/ })
      .waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
