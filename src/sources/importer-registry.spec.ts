import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  FILE_IMPORTERS,
  PRICE_FILE_IMPORTERS,
  recogniseFile,
  TOWER_FILE_IMPORTER,
} from './importer-registry';
import { FILE_HEAD_BYTES, fileHead } from './shared/file-importer';

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

  it('declares the files read whole (towers, subscriptions) beside the price files', () => {
    const ids = FILE_IMPORTERS.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(FILE_IMPORTERS.map((i) => i.writes)).toEqual([
      'observations',
      'observations',
      'observations',
      'observations',
      'towers',
      'subscriptions',
    ]);
    for (const i of FILE_IMPORTERS) expect(i.layout.length).toBeGreaterThan(10);
    expect(TOWER_FILE_IMPORTER.source('opencellid-2024', 'opencellid')).toMatchObject({
      id: 'towers:opencellid-2024',
      credit: expect.stringMatching(/OpenCelliD .*CC BY-SA 4\.0/) as string,
    });
  });

  // each file a user has, by its first 64 KiB: the shipped real files and the fixtures
  it.each([
    ['data/wfp/wfp_food_prices_bgd.csv', 'wfp-hdx'],
    ['data/wdi/API_IT.CEL.SETS.P2_DS2_en_csv_v2_4903391.csv', 'subscriptions'],
    ['data/reference/towers-SYNTHETIC-sample.csv', 'towers'],
    ['test/fixtures/wdi/subscriptions-long.csv', 'subscriptions'],
    ['test/fixtures/towers/opencellid-467.csv', 'towers'],
    ['test/fixtures/towers/opencellid-467-noheader.csv', 'towers'],
    ['test/fixtures/towers/imagery-survey.csv', 'towers'],
    ['test/fixtures/towers/imagery-survey.geojson', 'towers'],
    ['test/fixtures/imports/wfp_vam_global_sample.csv', 'wfp-vam'],
    ['test/fixtures/imports/renamed_hxl_prices.csv', 'hxl'],
  ])('recognises %s as %s', (file, id) => {
    const text = readFileSync(path.join(SRC, '..', file), 'utf8').slice(0, FILE_HEAD_BYTES);
    expect(recogniseFile(fileHead(text))?.id).toBe(id);
  });

  it('tells the tower formats apart and recognises nothing in a file of no format', () => {
    const formatOf = (text: string) => TOWER_FILE_IMPORTER.formatOf(fileHead(text));
    expect(formatOf('GSM,467,193,1,10011,0,125.76,39.03,1000,12,1,1262304000,1577836800,0\n')).toBe(
      'opencellid',
    );
    expect(formatOf('tower,latitude,longitude,first_seen\nt1,39,125,2010-01-01\n')).toBe('csv');
    expect(formatOf('{"type":"FeatureCollection","features":[]}')).toBe('geojson');
    expect(formatOf('{"a":1}')).toBeUndefined();
    expect(
      recogniseFile(fileHead('Date,Market_Name,Item,Price\n2020-01-15,Nairobi,Maize,30\n')),
    ).toBe(undefined);
    expect(recogniseFile(fileHead(''))).toBeUndefined();
  });

  it("lets no module but the registry reach into an importer's folder", () => {
    // every importer lives in the folder named by its id
    const folders = FILE_IMPORTERS.map((i) => i.id);
    for (const f of folders)
      expect(statSync(path.join(SRC, 'sources', f)).isDirectory()).toBe(true);
    expect(folders.sort()).toEqual([
      'hxl',
      'price-table',
      'subscriptions',
      'towers',
      'wfp-hdx',
      'wfp-vam',
    ]);
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
      subscriptions: ['sources/importer-registry.ts'],
      towers: ['sources/importer-registry.ts'],
      'wfp-vam': ['sources/importer-registry.ts'],
    });
  });
});
