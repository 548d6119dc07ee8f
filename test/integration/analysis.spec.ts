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

  it('writes the whole report from the statistics: the design first, the bootstrap deciding, the placebo difference tested', async () => {
    const res = await http
      .get('/api/analysis/convergence?commodity=rice&bootstrap=999')
      .expect(200);
    const summary = res.body.summary.join('\n');
    expect(summary).toMatch(
      /Mann-Kendall test corrected for autocorrelation \(Hamed-Rao\) gives z = -3\.24, p = 0\.001: significant at the 5 % level/,
    );
    // identification first: national coverage with pair effects is a time trend
    expect(summary).toMatch(
      /Design \(national coverage, pair fixed effects\).*is a time trend in the price gaps\. It cannot tell phones from anything else that trended \(in North Korea: the aftermath of the 2009 currency reform/,
    );
    // its size in the data's terms, and the bootstrap (3 clusters: the clustered p is unreliable)
    expect(summary).toMatch(
      /subscriptions went from 0\.2 to 16\.3 per 100 over the sample, and the coefficient -0\.00268 per subscription per 100 implies a change of -0\.0432 in the mean \|ln p_i − ln p_j\| over that rise, beside a mean gap of 0\.0521/,
    );
    expect(summary).toMatch(
      /wild cluster bootstrap p = 0\.065 \(Webb weights, all 216 weight vectors, 3 clusters\); clustered p = 0\.006 \(unreliable with 3 clusters\)\): by the wild cluster bootstrap it is not significant at the 5 % level/,
    );
    // the placebo difference in one stacked regression, not two p-values side by side
    expect(summary).toMatch(
      /Placebo difference \(national coverage\): in one stacked regression of rice and the dollar exchange rate.*minus the placebo's \(-0\.00244\) is -0\.00024 \(wild cluster bootstrap p = 0\.676/,
    );
    expect(summary).toMatch(
      /the data cannot tell rice's coefficient from the dollar exchange rate's/,
    );
    expect(res.body.pairRegression.placeboDifference.national).toMatchObject({
      clusters: 3,
      bootstrap: { weights: 'webb', enumerated: true, replications: 216 },
    });
    // half-lives: in days at the period's median interval, a unit root "cannot be rejected"
    expect(summary).toMatch(/halve in under one survey interval \(16 days, the period's median/);
    expect(summary).toMatch(/for Pyongyang–Sinuiju the data cannot reject a unit root in the gap/);
    expect(summary).not.toMatch(/no mean reversion/);
    expect(summary).toMatch(
      /Hyesan–Pyongyang lengthened \(ρ 0\.04 to 0\.44, adjusted p = 0\.038\)/,
    );
    // breaks in the trend with their reasons; beta clustered by date
    expect(summary).toMatch(
      /A break in the trend of the coefficient of variation at 2013-05-01 \(the candidate date: Koryolink subscriptions passed 2 million/,
    );
    expect(summary).toMatch(/standard error clustered by date 0\.075/);
    expect(summary).toMatch(/Holm-adjusted over 6 tests/);
    expect(summary).toMatch(/a lag is one survey, 20 days at the median and from 2 to 76 days/);
    expect(summary).not.toMatch(/\bleads?\b/);
    expect(summary).toMatch(new RegExp(`This summary shows ${res.body.testsReported} tests`));
    // synthetic towers: a caveat, never a finding
    expect(summary).not.toMatch(/Tower coverage/);
    expect(res.body.syntheticTowers).toBe(true);
    const caveats = res.body.caveats.join('\n');
    expect(caveats).toMatch(
      /tower-coverage regression is not reported as a finding: the towers loaded include the SYNTHETIC sample/,
    );
    expect(caveats).toMatch(/The pair regressions have 3 clusters \(market pairs\)/);
    expect(caveats).toMatch(/regression to the mean/);
    expect(caveats).toMatch(/phones lower search costs for its traders too/);
    expect(res.body.pairRegression.placebo.national.commodity).toBe('usd');
    expect(res.body).toMatchObject({ unitLabel: 'KPW/kg', placeboSeries: 'usd' });
  });

  it('never uses the commodity as its own placebo', async () => {
    const res = await http.get('/api/analysis/convergence?commodity=usd&bootstrap=0').expect(200);
    expect(res.body.placeboSeries).toBeNull();
    expect(res.body.pairRegression.placebo.national).toBeNull();
    expect(res.body.summary.join('\n')).toMatch(
      /No placebo comparison: usd is itself North Korea's placebo series \(the dollar exchange rate\), and a series is never its own placebo/,
    );
    const pr = await http
      .get('/api/analysis/pair-regression?commodity=usd&bootstrap=0')
      .expect(200);
    expect(pr.body.placebo).toBeNull();
  });

  it('answers from= on the report, leaving out the redenomination months', async () => {
    const res = await http
      .get('/api/analysis/convergence?commodity=rice&from=2012-01-01&bootstrap=0')
      .expect(200);
    expect(res.body.data.from >= '2012-01-01').toBe(true);
    expect(res.body.summary[0]).toMatch(
      /rice \(KPW\/kg, retail\) in North Korea, 2012-01-01 to the end/,
    );
  });

  it('writes one sentence for a commodity with no data', async () => {
    const res = await http.get('/api/analysis/convergence?commodity=cny&bootstrap=0').expect(200);
    expect(res.body.summary).toHaveLength(1);
    expect(res.body.summary[0]).toMatch(/^No observations of cny/);
    expect(res.body.caveats).toEqual([]);
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
