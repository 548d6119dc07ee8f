import { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { IngestionService } from '../../src/ingestion/ingestion.service';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';
import { readFixture } from '../helpers/markets';

// R reference values computed on the shipped archive (test/fixtures/analysis/timeseries/make_reference.R)
const R = new Map(
  parse<{ name: string; value: string }>(readFixture('analysis', 'timeseries', 'expected.csv'), {
    columns: true,
  }).map((r) => [r.name, Number(r.value)]),
);
const rel = (a: number, name: string) =>
  expect(Math.abs(a - R.get(name)!)).toBeLessThanOrEqual(1e-6 * Math.abs(R.get(name)!));

describe.each(TEST_DATABASES)('convergence analysis over HTTP on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    db = await freshDatabase(kind);
    app = await createApp(db.config);
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  it('gives the half-lives R gives, per period, with insufficient data named', async () => {
    const res = await http
      .get(
        '/api/analysis/half-lives?commodity=rice&periods=2009-01-01..2019-12-31,2019-06-01..2019-12-31&adf=true',
      )
      .expect(200);
    const whole = res.body.periods[0].pairs.find(
      (p: { a: string; b: string }) => p.a === 'hyesan' && p.b === 'pyongyang',
    );
    rel(whole.rho, 'ar1.pyongyang-hyesan.rho');
    rel(whole.rhoSe, 'ar1.pyongyang-hyesan.rhoSe');
    rel(-whole.c, 'ar1.pyongyang-hyesan.c'); // hyesan − pyongyang is the negative of R's differential
    rel(whole.adf.tau, 'adf.pyongyang-hyesan.tau'); // the ADF of −q equals that of q
    expect(whole.medianIntervalDays).toBe(R.get('ar1.pyongyang-hyesan.medianDays'));
    const short = res.body.periods[1].pairs[0];
    expect(short).toMatchObject({ insufficientData: true, required: 20 });
    expect(short.message).toMatch(
      /insufficient data for an AR\(1\) half-life: \d+ observations, at least 20 needed/,
    );
    expect(short.rho).toBeUndefined();
  });

  it('gives the trend, Chow test and Bai-Perron breaks R gives on the coefficient of variation', async () => {
    const res = await http.get('/api/analysis/trend?commodity=rice&measure=cv').expect(200);
    expect(res.body.mannKendall.s).toBe(R.get('mk.cv.S'));
    rel(res.body.mannKendall.z, 'mk.cv.z');
    rel(res.body.mannKendall.senSlopePerYear, 'mk.cv.senPerYear');
    const chow = res.body.chow.find((c: { date: string }) => c.date === '2013-05-01');
    rel(chow.f, 'chow.cv.F');
    expect(res.body.chow.find((c: { date: string }) => c.date === '2020-01-22')).toMatchObject({
      insufficientData: true,
    });
    expect(res.body.baiPerron.breakDates).toHaveLength(R.get('bp.cv.nbreaks')!);
    expect(res.body.baiPerron.regimes).toHaveLength(2);
  });

  it('gives the beta-convergence R gives', async () => {
    const res = await http.get('/api/analysis/beta?commodity=rice').expect(200);
    rel(res.body.beta, 'beta.beta');
    rel(res.body.betaSe, 'beta.betaSe');
  });

  it('runs the pair regression with its specification, drops what does not vary, and bootstraps', async () => {
    const res = await http
      .get(
        '/api/analysis/pair-regression?commodity=rice&coverage=national&controls=border,distance&fe=pair&se=cluster&bootstrap=999',
      )
      .expect(200);
    const r = res.body.result;
    expect(r).toMatchObject({ n: 492, pairs: 3, se: 'cluster', dfForTests: 2 });
    expect(r.coefficients.map((c: { name: string }) => c.name)).toEqual([
      'coverage',
      'distance_x_coverage',
    ]);
    expect(r.dropped).toEqual([
      {
        name: 'border',
        reason: 'no variation left within the fixed effects (collinear with them)',
      },
    ]);
    expect(r.bootstrap).toMatchObject({
      weights: 'webb',
      enumerated: true,
      replications: 216,
      null: 'coverage = 0',
    });
    expect(res.body.specification.standardErrors).toMatch(/G\/\(G-1\)/);
    expect(res.body.placebo).toMatchObject({ commodity: 'usd', result: { n: 489, pairs: 3 } });
    const dk = await http
      .get(
        '/api/analysis/pair-regression?commodity=rice&fe=pair,month&se=driscoll-kraay&bootstrap=0',
      )
      .expect(200);
    expect(dk.body.result).toMatchObject({
      se: 'driscoll-kraay',
      bootstrap: null,
      fe: ['pair', 'month'],
    });
    const towers = await http
      .get('/api/analysis/pair-regression?commodity=rice&coverage=towers&bootstrap=0')
      .expect(200);
    expect(towers.body.towerSources).toEqual(['synthetic-sample']);
    const one = await http
      .get('/api/analysis/pair-regression?commodity=rice&from=2019-11-01&bootstrap=0')
      .expect(200);
    expect(one.body.result).toMatchObject({ insufficientData: true });
  });

  it('maps the trade network: Granger both ways, Holm-adjusted, leaders, distances', async () => {
    const res = await http.get('/api/analysis/network?commodity=rice').expect(200);
    const e = res.body.edges.find(
      (x: { a: string; b: string }) => x.a === 'hyesan' && x.b === 'pyongyang',
    );
    expect(e.distanceKm).toBeCloseTo(333.2, 1);
    expect(e.leader).toBe('hyesan');
    // hyesan -> sinuiju has p = 0.040 alone, 0.161 after Holm over the 6 tests: no leader there
    const hs = res.body.edges.find(
      (x: { a: string; b: string }) => x.a === 'hyesan' && x.b === 'sinuiju',
    );
    expect(hs.granger.aToB.p).toBeCloseTo(0.0404, 3);
    expect(hs.granger.aToB.pHolm).toBeCloseTo(0.1615, 3);
    expect(hs.leader).toBeNull();
    expect(res.body.nodes.find((n: { market: string }) => n.market === 'hyesan')).toMatchObject({
      leads: 1,
      ledBy: 0,
    });
  });

  it('writes the whole report from the statistics, with the USD placebo and the caveats', async () => {
    const res = await http
      .get('/api/analysis/convergence?commodity=rice&bootstrap=999')
      .expect(200);
    expect(res.body.summary.join('\n')).toMatch(
      /Mann-Kendall test corrected for autocorrelation \(Hamed-Rao\) gives z = -3\.24, p = 0\.001: significant at the 5 % level/,
    );
    expect(res.body.summary.join('\n')).toMatch(
      /wild cluster bootstrap p = 0\.139 \(all 216 weight vectors\).*not significant at the 5 % level/,
    );
    const summary = res.body.summary.join('\n');
    // the archive's placebo moves like rice: same sign, larger, clustered p = 0.016
    expect(summary).toMatch(
      /coverage coefficient of -0\.00398 \(clustered p = 0\.016; wild cluster bootstrap p = 0\.472\), against -0\.00361 for rice \(clustered p < 0\.001; wild cluster bootstrap p = 0\.139\)/,
    );
    expect(summary).toMatch(/likely picking up a common trend/);
    expect(summary).not.toMatch(/as it should/);
    // the interaction: the effect at the mean pair distance, not only at zero distance
    expect(summary).toMatch(/is the effect at zero distance.*At the mean pair distance \(283 km\)/);
    // half-lives: under one survey interval, never in days; pyongyang-sinuiju not mean-reverting before 2013
    expect(summary).toMatch(/halve in under one survey interval/);
    expect(summary).toMatch(/the gap between pyongyang and sinuiju shows no mean reversion/);
    expect(summary).toMatch(
      /Half-lives lengthened as mobile coverage grew.*runs against the hypothesis/,
    );
    expect(summary).toMatch(/so that p-value is overstated; with Newey-West errors/);
    expect(summary).toMatch(/Holm-adjusted over 6 tests/);
    expect(summary).not.toMatch(/\bleads?\b/);
    // synthetic towers: a caveat, never a finding
    expect(summary).not.toMatch(/Tower coverage/);
    expect(res.body.syntheticTowers).toBe(true);
    expect(res.body.caveats.join('\n')).toMatch(
      /tower-coverage regression is not reported as a finding: the towers loaded include the SYNTHETIC sample/,
    );
    expect(res.body.caveats.join('\n')).toMatch(/regression to the mean/);
    expect(res.body.caveats.join('\n')).toMatch(
      /phones lower search costs for currency traders too/,
    );
    expect(res.body.pairRegression.placebo.national.commodity).toBe('usd');
  });

  it('answers repeated requests from the cache and recomputes after new data', async () => {
    const url = '/api/analysis/half-lives?commodity=usd';
    const a = await http.get(url).expect(200);
    const ingestion = app.get(IngestionService);
    expect((await ingestion.run('dailynk-sheet', 'cli', 'archive')).rowsInserted).toBe(0);
    expect((await http.get(url).expect(200)).body).toEqual(a.body);
  });

  it.each([
    ['/api/analysis/half-lives?commodity=rice&periods=2019-01-01', /periods must be FROM\.\.TO/],
    [
      '/api/analysis/half-lives?commodity=rice&periods=2019-02-30..2019-12-31',
      /periods: 2019-02-30 is not a calendar date/,
    ],
    [
      '/api/analysis/half-lives?commodity=rice&periods=2019-12-31..2019-01-01',
      /ends before it starts/,
    ],
    ['/api/analysis/trend?commodity=rice&measure=variance', /measure must be one of/],
    [
      '/api/analysis/trend?commodity=rice&breaks=2013-13-01',
      /breaks: 2013-13-01 is not a calendar date/,
    ],
    ['/api/analysis/pair-regression?commodity=rice&coverage=satellite', /coverage must be one of/],
    [
      '/api/analysis/pair-regression?commodity=rice&controls=weather',
      /controls must be border and\/or distance/,
    ],
    [
      '/api/analysis/pair-regression?commodity=rice&fe=province',
      /fe must be pair, month and\/or date/,
    ],
    [
      '/api/analysis/pair-regression?commodity=rice&bootstrap=-1',
      /bootstrap must not be less than 0/,
    ],
    ['/api/analysis/pair-regression?commodity=gold', /commodity: unknown id gold/],
    [
      '/api/analysis/network?commodity=rice&markets=pyongyang',
      /markets must name at least two markets/,
    ],
    ['/api/analysis/convergence?commodity=rice&extra=1', /property extra should not exist/],
  ])('answers %s with a 400 naming the parameter', async (url, message) => {
    const res = await http.get(url).expect(400);
    expect(JSON.stringify(res.body.message)).toMatch(message);
  });
});
