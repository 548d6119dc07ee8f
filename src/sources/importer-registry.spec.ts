import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PRICE_FILE_IMPORTERS } from './importer-registry';

// Adding a file format is its folder and a line in importer-registry.ts: no other module of the
// application imports an importer's folder (the HDX folder holds the record parser every format
// shares, so it is the one exception).
const SRC = path.join(__dirname, '..');
const SHARED_CORE = 'wfp-hdx';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'generated' ? [] : files(p);
    return /\.ts$/.test(name) && !/\.spec\.ts$/.test(name) ? [p] : [];
  });
}

describe('the importer registry', () => {
  it('declares each format once, with what the contract asks', () => {
    const ids = PRICE_FILE_IMPORTERS.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const i of PRICE_FILE_IMPORTERS) {
      expect(i.writes).toBe('observations');
      expect(i.source.credit.length).toBeGreaterThan(20);
      expect(i.layout.length).toBeGreaterThan(10);
      expect(i.parserVersion).toMatch(/^[a-z-]+\/\d+\.\d+\.\d+$/);
    }
  });

  it("lets no module but the registry reach into an importer's folder", () => {
    // every importer lives in the folder named by its id
    const folders = PRICE_FILE_IMPORTERS.map((i) => i.id);
    for (const f of folders)
      expect(statSync(path.join(SRC, 'sources', f)).isDirectory()).toBe(true);
    expect(folders.sort()).toEqual(['hxl', 'price-table', 'wfp-hdx', 'wfp-vam']);
    const touching: Record<string, string[]> = {};
    for (const file of files(SRC)) {
      const rel = path.relative(SRC, file);
      const text = readFileSync(file, 'utf8');
      for (const folder of folders.filter((f) => f !== SHARED_CORE)) {
        if (rel.startsWith(`sources/${folder}/`)) continue;
        if (new RegExp(`from '[./]*(sources/)?${folder}/`).test(text))
          (touching[folder] ??= []).push(rel);
      }
    }
    expect(touching).toEqual({
      hxl: ['sources/importer-registry.ts'],
      'price-table': ['sources/importer-registry.ts'],
      'wfp-vam': ['sources/importer-registry.ts'],
    });
  });
});
