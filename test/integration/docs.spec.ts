import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { createApp } from '../../src/app.factory';
import { freshDatabase, TestDb } from '../helpers/databases';

// The documentation's examples, run: the Grafana panel's queries read as the Infinity data source
// reads them, and the R and pandas snippets of docs/economists.md (their exact requests always; the
// snippets themselves where Rscript or pandas is installed).
const ROOT = path.join(__dirname, '..', '..');
const DOC_HOST = 'http://localhost:3000';

interface InfinityTarget {
  refId: string;
  url: string;
  root_selector: string;
  columns: { selector: string; type: 'timestamp' | 'number' | 'string' }[];
}

// The fenced code blocks of one language in a Markdown file.
const snippets = (file: string, lang: string): string[] =>
  [
    ...readFileSync(path.join(ROOT, file), 'utf8').matchAll(
      new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'),
    ),
  ].map((m) => m[1]);

// run asynchronously: the server answering the snippet lives in this process
const run = async (cmd: string, args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(cmd, args, { timeout: 60_000 });
    return { status: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { status: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
};

const has = (cmd: string, args: string[]) =>
  spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;

describe('the documentation, run against a live server', () => {
  let db: TestDb;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    db = await freshDatabase('pglite');
    app = await createApp(db.config);
    base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  const live = (s: string) => s.split(DOC_HOST).join(base);

  it('answers every query of the Grafana panel in the shape its columns read', async () => {
    const panel = JSON.parse(
      readFileSync(path.join(ROOT, 'docs', 'grafana', 'dispersion-panel.json'), 'utf8'),
    ) as { targets: InfinityTarget[] };
    expect(panel.targets.map((t) => t.refId)).toEqual(['A', 'B', 'C']);
    for (const t of panel.targets) {
      const res = await fetch(live(t.url));
      expect(res.status).toBe(200);
      const rows = (await res.json())[t.root_selector] as Record<string, unknown>[];
      expect(Array.isArray(rows)).toBe(true);
      expect(rows.length).toBeGreaterThan(100);
      for (const row of rows)
        for (const c of t.columns) {
          const v = row[c.selector];
          if (c.type === 'timestamp') expect(Number.isFinite(Date.parse(String(v)))).toBe(true);
          else if (c.type === 'number') expect(v === null || typeof v === 'number').toBe(true);
        }
      // a number column is a series, not nulls only
      const numbers = t.columns.filter((c) => c.type === 'number');
      for (const c of numbers)
        expect(rows.filter((r) => typeof r[c.selector] === 'number').length).toBeGreaterThan(100);
    }
  });

  // the cross-country snippet reads the panel CSV a user saved (tested below on the R fixture)
  const panelSnippet = (c: string) => c.includes('read.csv("panel.csv")');
  const apiSnippets = (lang: string) =>
    snippets('docs/economists.md', lang).filter((c) => !panelSnippet(c));

  it('serves the exact requests of the R and pandas snippets, with the columns they use', async () => {
    const code = [...apiSnippets('r'), ...apiSnippets('python')];
    expect(code).toHaveLength(4);
    const urls = [
      ...new Set(
        code.flatMap((c) => [...c.matchAll(/"(http:\/\/localhost:3000[^"]+)"/g)].map((m) => m[1])),
      ),
    ];
    expect(urls).toHaveLength(2);
    for (const url of urls) {
      const res = await fetch(live(url));
      expect(res.status).toBe(200);
      const rows = parse<Record<string, string>>(await res.text(), { columns: true });
      expect(rows.length).toBeGreaterThan(100);
      const wanted = url.includes('/wide')
        ? ['date', 'hyesan', 'pyongyang', 'sinuiju', 'credit']
        : ['date', 'market', 'value', 'unit', 'source', 'credit'];
      for (const col of wanted) expect(Object.keys(rows[0])).toContain(col);
    }
  });

  const withR = has('Rscript', ['--version']);
  (withR ? it : it.skip)('runs the R snippets', async () => {
    for (const code of apiSnippets('r')) {
      const res = await run('Rscript', ['-e', live(code)]);
      expect(res.stderr).not.toMatch(/Error/);
      expect(res.status).toBe(0);
      expect(res.stdout).toMatch(/pyongyang|hyesan/);
    }
  });

  (withR ? it : it.skip)(
    'runs the cross-country R snippet on a saved panel: the clustered variance R gives',
    async () => {
      const [code] = snippets('docs/economists.md', 'r').filter(panelSnippet);
      const fixture = path.join(ROOT, 'test', 'fixtures', 'analysis', 'cross-country');
      const rows = parse<Record<string, string>>(
        readFileSync(path.join(fixture, 'panel.csv'), 'utf8'),
        { columns: true },
      );
      const dir = mkdtempSync(path.join(tmpdir(), 'panel-'));
      writeFileSync(
        path.join(dir, 'panel.csv'),
        'country,series,month,d,subscriptionsPer100\n' +
          rows.map((r) => [r.country, r.series, r.month, r.d, r.coverage].join(',')).join('\n'),
      );
      const res = await run('Rscript', ['-e', `setwd("${dir}")\n${code}`]);
      expect(res.stderr).not.toMatch(/Error/);
      const printed = Number(res.stdout.trim().split(/\s+/).pop());
      const se = parse<{ name: string; value: string }>(
        readFileSync(path.join(fixture, 'expected.csv'), 'utf8'),
        { columns: true },
      ).find((r) => r.name === 'twfe.se')!;
      expect(printed).toBeCloseTo(Number(se.value) ** 2, 12);
      rmSync(dir, { recursive: true, force: true });
    },
  );

  const withPandas = has('/usr/bin/python3', ['-c', 'import pandas']);
  (withPandas ? it : it.skip)('runs the pandas snippets', async () => {
    for (const code of apiSnippets('python')) {
      const res = await run('/usr/bin/python3', ['-c', live(code)]);
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
      expect(res.stdout).toMatch(/pyongyang|hyesan/);
    }
  });
});
