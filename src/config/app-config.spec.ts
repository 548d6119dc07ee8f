import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SOURCE_DECLARATIONS } from '../sources/source-registry';
import { ConfigError, loadConfig } from './app-config';

describe('configuration', () => {
  it('defaults to the embedded database in .data and every-6-hours fetching', () => {
    const c = loadConfig({});
    expect(c.database).toEqual({
      kind: 'pglite',
      dataDir: expect.stringMatching(/\.data\/pglite$/),
      sharedBuffers: '32MB',
    });
    expect(c.port).toBe(3000);
    expect(c.enableCron).toBe(true);
    expect(c.sources['dailynk-sheet'].cron).toBe('0 */6 * * *');
    expect(c.sources['dailynk-sheet'].url).toContain(
      '1l78JcbokjkdlJ1aSU6F8cuqgC0AbfMkuXOKWiEEbueo',
    );
  });

  it('uses a PostgreSQL server when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h:5432/d' }).database).toEqual({
      kind: 'postgres',
      url: 'postgresql://u@h:5432/d',
    });
  });

  it("caps the heap's growth at 50 % on either database unless told", () => {
    expect(loadConfig({}).heapGrowthPercent).toBe(50);
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/d' }).heapGrowthPercent).toBe(50);
    expect(loadConfig({ HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
    expect(loadConfig({ HEAP_GROWTH_PERCENT: '30' }).heapGrowthPercent).toBe(30);
    expect(() => loadConfig({ HEAP_GROWTH_PERCENT: '500' })).toThrow(
      /HEAP_GROWTH_PERCENT: HEAP_GROWTH_PERCENT must not be greater than 300/,
    );
  });

  it('stops the boot naming every bad setting', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        PORT: '99999',
        DATABASE_URL: 'mysql://x',
        ENABLE_CRON: 'sometimes',
        DAILYNK_SHEET_URL: 'https://example.org/sheet',
        DAILYNK_SHEET_CRON: 'every tuesday',
        PGLITE_SHARED_BUFFERS: 'lots',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.problems.join('\n');
    expect(text).toMatch(/^PORT: PORT must not be greater than 65535$/m);
    expect(text).toMatch(/^DATABASE_URL: DATABASE_URL must be a postgresql:\/\/ URL/m);
    expect(text).toMatch(/^ENABLE_CRON: ENABLE_CRON must be a boolean value$/m);
    expect(text).toMatch(
      /^DAILYNK_SHEET_URL: DAILYNK_SHEET_URL must contain the \{tab\} placeholder$/m,
    );
    expect(text).toMatch(/^DAILYNK_SHEET_CRON: not a valid cron expression/m);
    expect(text).toMatch(/^PGLITE_SHARED_BUFFERS: must be a size such as 32MB \(kB, MB or GB\)$/m);
  });

  it("reads each source's declared settings, names a bad one, and keeps numbers numbers", () => {
    const c = loadConfig({ DAILYNK_EN_MAX_ARTICLES: '25' });
    expect(c.sources['dailynk-en'].maxArticles).toBe(25);
    expect(() => loadConfig({ DAILYNK_EN_MAX_ARTICLES: '0' })).toThrow(
      /DAILYNK_EN_MAX_ARTICLES: DAILYNK_EN_MAX_ARTICLES must not be less than 1/,
    );
    expect(() => loadConfig({ ASIAPRESS_KO_URL: 'ftp://x' })).toThrow(
      /ASIAPRESS_KO_URL: ASIAPRESS_KO_URL must be an http\(s\) URL/,
    );
  });

  it("the README's configuration table lists every source's variables, with their defaults", () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const names = new Set<string>();
    for (const d of SOURCE_DECLARATIONS)
      for (const s of Object.values(d.settings)) {
        expect(names.has(s.env)).toBe(false); // no two sources share a variable
        names.add(s.env);
        const row = readme.split('\n').find((l) => l.startsWith(`| \`${s.env}\` |`));
        expect(row).toBeDefined();
        expect(row).toContain(`\`${String(s.default)}\``);
      }
  });
});
