import { loadConfig } from '../config/app-config';
import { AnalysisTaskName, runAnalysisTask } from './analysis-tasks';
import { AnalysisBusyError, AnalysisWorkers } from './analysis-workers';
import { PricePoint } from './dispersion';
import { PanelRow } from './pair-regression';

// The estimators give the same answer in a worker thread as on the event loop (structured clone
// keeps NaN, Infinity, Maps and undefined), and a full queue is a busy error, not a pile-up.

// three markets, 80 fortnightly dates, log prices that wander and pull together (seeded)
function panel(): { points: PricePoint[]; rows: PanelRow[] } {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const markets = ['hyesan', 'pyongyang', 'sinuiju'];
  const points: PricePoint[] = [];
  const level = [8, 8.2, 7.9];
  for (let t = 0; t < 80; t++) {
    const date = new Date(Date.UTC(2012, 0, 1) + t * 14 * 86_400_000).toISOString().slice(0, 10);
    const mean = level.reduce((a, b) => a + b) / 3;
    markets.forEach((market, i) => {
      level[i] += 0.3 * (mean - level[i]) + 0.05 * rand();
      points.push({ date, market, value: Math.exp(level[i]) });
    });
  }
  const rows: PanelRow[] = [];
  for (const [a, b] of [
    [0, 1],
    [0, 2],
    [1, 2],
  ])
    for (let t = 0; t < 80; t++)
      rows.push({
        pair: `${markets[a]}-${markets[b]}`,
        date: points[t * 3].date,
        gap: Math.abs(Math.log(points[t * 3 + a].value / points[t * 3 + b].value)),
        coverage: t / 8,
        distanceKm: 100 * (a + b + 1),
      });
  return { points, rows };
}

const { points, rows } = panel();
const dates = [...new Set(points.map((p) => p.date))];
const y = dates.map((_, t) => 0.2 / (1 + t / 20) + 0.01 * Math.sin(t));
const coords = new Map([
  ['hyesan', { latitude: 41.4, longitude: 128.2 }],
  ['pyongyang', { latitude: 39.0, longitude: 125.8 }],
  ['sinuiju', { latitude: 40.1, longitude: 124.4 }],
]);
const spec = {
  coverage: 'national' as const,
  controls: ['distance' as const],
  fe: ['pair' as const],
  se: 'cluster' as const,
  bootstrap: 99,
  seed: 7,
  borderWindow: { from: '2020-01-22', to: '2023-08-31' },
};
const cases: { name: AnalysisTaskName; args: unknown[] }[] = [
  { name: 'halfLives', args: [points, [{ from: '2012-01-01', to: '2015-12-31' }], true] },
  { name: 'sigmaTrend', args: [dates, y, ['2013-06-01']] },
  { name: 'beta', args: [points, ['hyesan', 'pyongyang', 'sinuiju']] },
  { name: 'network', args: [points, coords] },
  { name: 'pairRegression', args: [rows, spec] },
];

describe('analysis worker threads', () => {
  const workers = new AnalysisWorkers(
    {
      ...loadConfig({}),
      analysisThreads: 1,
      analysisQueue: 2,
    },
    'server',
  );
  afterAll(() => workers.onModuleDestroy());

  it.each(cases)('$name: the same result in a worker thread as inline', async ({ name, args }) => {
    const inline = runAnalysisTask({ name, args } as never);
    const threaded = await (workers.run as (n: string, ...a: unknown[]) => Promise<unknown>)(
      name,
      ...args,
    );
    expect(threaded).toEqual(inline);
    // the estimators ran on real numbers, not an 'insufficient data' answer
    expect(JSON.stringify(inline)).not.toMatch(/insufficientData/);
    expect(JSON.stringify(inline)).toMatch(/\d\.\d{3}/);
  });

  it('refuses a task with a busy error when ANALYSIS_QUEUE tasks already wait', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        workers.run('pairRegression', rows, { ...spec, bootstrap: 199 }),
      ),
    );
    const refused = outcomes.filter(
      (o) => o.status === 'rejected' && o.reason instanceof AnalysisBusyError,
    );
    const answered = outcomes.filter((o) => o.status === 'fulfilled');
    expect(refused.length).toBeGreaterThan(0);
    expect(answered.length).toBeGreaterThan(0);
    expect(refused.length + answered.length).toBe(6);
    expect((refused[0] as PromiseRejectedResult).reason.message).toMatch(/ANALYSIS_QUEUE/);
    expect((refused[0] as PromiseRejectedResult).reason.retryAfterSeconds).toBe(5);
  });

  it('starts and warms its threads with the server only, not in a command-line run', async () => {
    const cli = new AnalysisWorkers({ ...loadConfig({}), analysisThreads: 1 }, 'cli');
    cli.onApplicationBootstrap();
    expect((cli as unknown as { pool?: unknown }).pool).toBeUndefined();
    // a command that analyses (report) starts them on its first task
    expect(await cli.run('beta', points, ['hyesan', 'pyongyang', 'sinuiju'])).toEqual(
      runAnalysisTask({ name: 'beta', args: [points, ['hyesan', 'pyongyang', 'sinuiju']] }),
    );
    expect((cli as unknown as { pool?: unknown }).pool).toBeDefined();
    await cli.onModuleDestroy();
  });

  it('computes inline with ANALYSIS_THREADS=0', async () => {
    const inline = new AnalysisWorkers({ ...loadConfig({}), analysisThreads: 0 }, 'server');
    expect(await inline.run('beta', points, ['hyesan', 'pyongyang', 'sinuiju'])).toEqual(
      runAnalysisTask({ name: 'beta', args: [points, ['hyesan', 'pyongyang', 'sinuiju']] }),
    );
  });
});
