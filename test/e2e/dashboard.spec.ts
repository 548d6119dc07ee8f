import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Browser, chromium, Page } from 'playwright-core';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { freshDatabase, TestDb } from '../helpers/databases';
import { fixture } from '../helpers/markets';

// The dashboard in a real browser: Debian's Chromium driven by playwright-core. CI installs it
// (.ci/run); elsewhere without it the suite is skipped with a note, never faked. Assertions read
// what the chart library drew (each chart's option, written on its element) and the table toggles,
// and compare them with the API; screenshots go to test-artifacts/.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && !process.env.CI)
  console.warn(`dashboard tests skipped: no browser at ${CHROMIUM} (apt-get install chromium)`);
const suite = haveBrowser || process.env.CI ? describe : describe.skip;
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
const VIEWS = ['prices', 'dispersion', 'map', 'network', 'half-lives', 'regression'];

interface Drawn {
  points: number;
  series: Record<string, number>;
  tableRows: number;
}

async function drawn(page: Page, view: string): Promise<Drawn> {
  const chart = page.locator(`#${view} .chart`);
  const series = JSON.parse((await chart.getAttribute('data-series')) ?? '{}') as Record<
    string,
    number
  >;
  return {
    points: Number(await chart.getAttribute('data-points')),
    series,
    tableRows: Number(await page.locator(`#${view} .table`).getAttribute('data-rows')),
  };
}

suite('dashboard in Chromium', () => {
  let db: TestDb;
  let app: INestApplication;
  let browser: Browser;
  let base: string;
  let http: ReturnType<typeof request>;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await freshDatabase('pglite', { ADMIN_TOKEN: 'dash-token' });
    app = await createApp(db.config);
    http = request(app.getHttpServer());
    base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
    await http
      .post('/api/imports/wfp?fileName=wfp_food_prices_col.csv')
      .set('authorization', 'Bearer dash-token')
      .set('content-type', 'text/csv')
      .send(readFileSync(fixture('wfp', 'wfp_food_prices_col.csv')))
      .expect(200);
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
    writeFileSync(path.join(ARTIFACTS, 'dashboard-timings.json'), JSON.stringify(timings, null, 2));
    await browser?.close();
    await app?.close();
    await db?.cleanup();
  });

  // A page with every console error and page error collected (a CSP violation is a console error).
  async function open(query = ''): Promise<{ page: Page; errors: string[]; ms: number }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message + ' @@ ' + (e.stack ?? '').slice(0, 600)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const t0 = Date.now();
    await page.goto(`${base}/${query}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    return { page, errors, ms: Date.now() - t0 };
  }

  const ready = (page: Page) =>
    page.waitForSelector('body[data-ready="true"]', { timeout: 60_000, state: 'attached' });

  it('draws every view from the database, as the API serves it', async () => {
    await open(); // the first load computes and caches; the timing is of the second
    const { page, errors, ms } = await open();
    timings.archiveAllChartsMs = ms;
    const api = async (url: string) => (await http.get(url).expect(200)).body;
    const dispersion = await api('/api/analysis/dispersion?commodity=rice');
    const report = await api('/api/analysis/convergence?commodity=rice');
    const network = await api('/api/analysis/network?commodity=rice');
    const coverage = await api('/api/coverage/markets');
    const towers = await api('/api/coverage/towers');
    const prices = await drawn(page, 'prices');
    // markets by their display names, as in the report's sentences
    expect(prices.series).toEqual({ Hyesan: 164, Pyongyang: 164, Sinuiju: 164 });
    expect(prices.tableRows).toBe(492);
    const disp = await drawn(page, 'dispersion');
    expect(disp.series['coefficient of variation']).toBe(dispersion.series.length);
    expect(disp.series['subscriptions per 100']).toBeGreaterThan(100);
    expect(await page.locator('#dispersion .chart').getAttribute('data-breaks')).toBe(
      report.sigmaConvergence.cv.baiPerron.breakDates.join(','),
    );
    const map = await drawn(page, 'map');
    expect(map.series['tower coverage (SYNTHETIC sample)']).toBe(towers.features.length);
    const placed = Object.entries(map.series)
      .filter(([name]) => name.startsWith('first covered'))
      .reduce((a, [, n]) => a + n, 0);
    // only the markets of the series shown (the archive's rice: three of the 19 markets)
    const riceMarkets = ['hyesan', 'pyongyang', 'sinuiju'];
    expect(placed).toBe(
      coverage.markets.filter(
        (m: { market: string; covered: boolean }) => m.covered && riceMarkets.includes(m.market),
      ).length,
    );
    expect(Object.values(map.series).reduce((a, n) => a + n, 0)).toBe(
      towers.features.length + riceMarkets.length,
    );
    const net = await drawn(page, 'network');
    expect(net.series.markets).toBe(network.nodes.length);
    expect(Number(await page.locator('#network .chart').getAttribute('data-edges'))).toBe(
      network.edges.length,
    );
    expect(Number(await page.locator('#network .chart').getAttribute('data-arrows'))).toBe(
      network.edges.filter((e: { leader: string | null }) => e.leader).length,
    );
    const lives = await drawn(page, 'half-lives');
    expect(Object.keys(lives.series)).toEqual(
      report.halfLives.periods.map((p: { from: string; to: string }) => `${p.from} to ${p.to}`),
    );
    // a pair without a half-life (too few dates, a unit root not rejected, under one interval) is
    // drawn as such: as many as the report's data have, by the report's own rule
    type Life = {
      rho?: number;
      halfLifeIntervals?: number | null;
      adf?: { tau: number; criticalValues: Record<string, number> };
    };
    const without = (report.halfLives.periods as { pairs: Life[] }[])
      .flatMap((p) => p.pairs)
      .filter(
        (x) =>
          x.rho === undefined ||
          !(x.rho < 1 && (!x.adf || x.adf.tau < x.adf.criticalValues['5pct'])) ||
          x.halfLifeIntervals === null ||
          (x.halfLifeIntervals ?? 0) < 1,
      ).length;
    expect(
      Number(await page.locator('#half-lives .chart').getAttribute('data-without-half-life')),
    ).toBe(without);
    const reg = await drawn(page, 'regression');
    // rice, its USD placebo and their difference in one stacked regression (towers are synthetic)
    expect(reg.series.coefficient).toBe(3);
    expect(
      JSON.parse((await page.locator('#regression .chart').getAttribute('data-legend'))!),
    ).toEqual([
      'coefficient',
      '95 % interval, clustered by market pair',
      '95 % wild cluster bootstrap interval',
    ]);
    // a price line is broken where its market's next survey is more than 3 median intervals away
    const obs = (await api('/api/observations?commodity=rice&limit=5000')).data as {
      market: string;
      date: string;
    }[];
    let gaps = 0;
    for (const m of riceMarkets) {
      const days = obs.filter((o) => o.market === m).map((o) => Date.parse(o.date) / 86_400_000);
      const steps = days.slice(1).map((d, i) => d - days[i]);
      const median = [...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)];
      gaps += steps.filter((s) => s > 3 * median).length;
    }
    expect(gaps).toBeGreaterThan(0); // the archive has such gaps (76 days at a 15-20 day rhythm)
    expect(Number(await page.locator('#prices .chart').getAttribute('data-gaps'))).toBe(gaps);
    expect(await page.locator('#summary li').first().textContent()).toBe(report.summary[0]);
    expect(await page.locator('#summary li').count()).toBe(report.summary.length);
    const sheet = page.locator('#sources tr[data-source="dailynk-sheet"] td');
    expect(await sheet.nth(1).textContent()).toBe('ok');
    expect(await sheet.nth(2).textContent()).toBe('981');
    expect(await page.locator('#credit').textContent()).toMatch(/Daily NK/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-prk-rice.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('redraws every chart for another commodity and another date range', async () => {
    const { page, errors } = await open();
    const tableText = (v: string) => page.locator(`#${v} .table`).textContent();
    const before = Object.fromEntries(
      await Promise.all(VIEWS.map(async (v) => [v, await tableText(v)] as const)),
    );
    await page.selectOption('#commodity', 'usd');
    await page.waitForSelector('#prices .chart[data-points="489"]', { state: 'attached' });
    await ready(page);
    expect(page.url()).toMatch(/commodity=usd/);
    // every view's numbers changed (the tables are the charts' data)
    for (const v of VIEWS.filter((v) => v !== 'map'))
      expect(await tableText(v)).not.toEqual(before[v]);
    await page
      .locator('#summary li')
      .first()
      .filter({ hasText: /^The test uses 489 price observations of usd/ })
      .waitFor({ timeout: 30_000 });
    // a date range: both time charts zoom to it and the URL keeps it
    await page.fill('#from', '2012-01-01');
    await page.fill('#to', '2014-12-31');
    await page.locator('#to').dispatchEvent('change');
    await page.waitForURL(/from=2012-01-01.*to=2014-12-31/);
    await ready(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('restores the whole view from the URL, and the URL follows the controls', async () => {
    const query = '?country=PRK&commodity=usd&measure=sdLog&log=true&from=2013-01-01&to=2015-12-31';
    const { page, errors } = await open(query);
    expect(await page.inputValue('#commodity')).toBe('usd');
    expect(await page.inputValue('#measure')).toBe('sdLog');
    expect(await page.isChecked('#log')).toBe(true);
    expect(await page.inputValue('#from')).toBe('2013-01-01');
    expect(await page.inputValue('#to')).toBe('2015-12-31');
    expect((await drawn(page, 'dispersion')).series).toHaveProperty(
      'standard deviation of log prices',
    );
    await page.selectOption('#measure', 'meanAbsLogDiff');
    await page.waitForURL(/measure=meanAbsLogDiff/);
    await ready(page);
    await page.reload();
    await ready(page);
    expect(await page.inputValue('#measure')).toBe('meanAbsLogDiff');
    expect((await drawn(page, 'dispersion')).series).toHaveProperty(
      'mean |Δ ln p| over market pairs',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works from the keyboard: controls reached by Tab, a table opened with Enter', async () => {
    const { page, errors } = await open();
    const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
    // the skip link and the link to the API documentation come first
    for (let i = 0; i < 5 && (await focused()) !== 'country'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('country');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('commodity');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('series');
    const toggle = page.locator('#prices button.toggle-table');
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await page.locator('#prices .table').isVisible()).toBe(true);
    expect(await page.locator('#prices .table tbody tr').count()).toBe(492);
    // the download is the table behind the chart, with the credit line first
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#dispersion button.download').click(),
    ]);
    const text = readFileSync(await download.path(), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# .*Daily NK/);
    expect(text.split('\n')[1]).toBe(
      'date,markets,cv,sdLog,meanAbsLogDiff,subscriptionsPer100MonthStart',
    );
    expect(text.trim().split('\n')).toHaveLength(2 + 164);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a WFP country: its markets on its own outline, its series, WFP credited', async () => {
    const { page, errors } = await open('?country=COL&commodity=rice&unit=KG&priceType=retail');
    expect(await page.inputValue('#country')).toBe('COL');
    expect(await page.inputValue('#series')).toBe('KG|retail|COP');
    const rows = await http
      .get('/api/observations?country=COL&commodity=rice&unit=KG&priceType=retail&limit=5000')
      .expect(200);
    expect((await drawn(page, 'prices')).points).toBe(rows.body.data.length);
    const map = await drawn(page, 'map');
    expect(map.series).toEqual({ 'tower coverage': 0, 'no tower data for this country': 3 });
    expect(await page.locator('#credit').textContent()).toMatch(/World Food Programme|WFP/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-col-rice.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the cross-country views from the cross-country answer, and says what it cannot draw', async () => {
    const { page, errors } = await open();
    const a = (await http.get('/api/analysis/cross-country').expect(200)).body as {
      perCountry: { country: string; estimate: number | null }[];
      pooled: { reml: object | null };
      panel: { leftOut: { series?: string }[] };
      staggered: { eventStudy: { reason?: string }; callawaySantAnna: { dynamic: unknown[] } };
      report: { headline: string };
    };
    const estimated = a.perCountry.filter((c) => c.estimate !== null).length;
    expect(await page.locator('#world-headline').textContent()).toBe(a.report.headline);
    const forest = await drawn(page, 'world-forest');
    expect(forest.series.estimate).toBe(estimated);
    expect(forest.series.pooled).toBe(a.pooled.reml ? 1 : 0);
    expect(forest.tableRows).toBe(a.perCountry.length + (a.pooled.reml ? 1 : 0));
    const map = await drawn(page, 'world-map');
    expect(Number(await page.locator('#world-map .chart').getAttribute('data-shaded'))).toBe(
      estimated,
    );
    // every country of the answer is in the map's table, left-out ones with their reason
    expect(map.tableRows).toBe(
      a.perCountry.length + a.panel.leftOut.filter((l) => !l.series).length,
    );
    if (a.staggered.eventStudy.reason && !a.staggered.callawaySantAnna.dynamic.length)
      expect(await page.locator('#world-events .error').textContent()).toContain(
        a.staggered.eventStudy.reason,
      );
    else expect((await drawn(page, 'world-events')).points).toBeGreaterThan(0);
    await page.locator('#world-map').scrollIntoViewIfNeeded();
    await page
      .locator('#world-forest')
      .screenshot({ path: path.join(ARTIFACTS, 'dashboard-world-forest.png') });
    await page
      .locator('#world-map')
      .screenshot({ path: path.join(ARTIFACTS, 'dashboard-world-map.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the alerts of the series: markets by class, and one market against its trend', async () => {
    const { page, errors } = await open();
    const a = (await http.get('/api/analysis/alerts?commodity=rice').expect(200)).body as {
      markets: { market: string; alps: { class: string; value: number } | null }[];
    };
    const map = await drawn(page, 'alerts');
    expect(map.points).toBe(a.markets.length);
    for (const cls of ['crisis', 'alert', 'stress', 'normal'])
      expect(map.series[cls]).toBe(a.markets.filter((m) => m.alps?.class === cls).length);
    expect(map.tableRows).toBe(a.markets.length);
    const first = a.markets.find((m) => m.alps)!;
    const h = (
      await http
        .get(`/api/analysis/alerts/history?commodity=rice&market=${first.market}`)
        .expect(200)
    ).body as { months: unknown[] };
    const history = await drawn(page, 'alerts-history');
    expect(history.series.price).toBe(h.months.length);
    expect(history.tableRows).toBe(h.months.length);
    await page
      .locator('#alerts')
      .screenshot({ path: path.join(ARTIFACTS, 'dashboard-alerts.png') });
    await page
      .locator('#alerts-history')
      .screenshot({ path: path.join(ARTIFACTS, 'dashboard-alerts-history.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
