import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { clusterTemplate, createClusterApart } from '../../src/database/data-dir-lock';
import { readMigrations } from '../../src/database/migrator';

// A first start on an empty folder loads the empty cluster the install made
// (scripts/pglite-template.cjs) instead of running initdb; a template that does not load falls
// back to initdb. Either way the folder holds a cluster that opens and answers.
describe('the embedded cluster on an empty folder', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'nkmt-cluster-'));
    dirs.push(d);
    return path.join(d, 'pglite');
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  const answers = async (pgDir: string) => {
    const db = new PGlite(pgDir);
    try {
      return (await db.query<{ v: string }>('SELECT version() AS v')).rows[0].v;
    } finally {
      await db.close();
    }
  };

  // a cluster's system identifier, made at random by initdb: the first 8 bytes of pg_control
  const systemId = (pgDir: string) =>
    readFileSync(path.join(pgDir, 'global', 'pg_control'))
      .subarray(0, 8)
      .toString('hex');

  it('is unpacked from the install’s template of this PGlite, not made by initdb', async () => {
    const template = clusterTemplate();
    expect(template).toMatch(/pglite-cluster-\d+\.\d+\.\d+-[0-9a-f]{12}\.tar$/);
    const pgDir = fresh();
    createClusterApart(pgDir);
    expect(existsSync(path.join(pgDir, 'PG_VERSION'))).toBe(true);
    // the template's own cluster (its identifier), as a second folder made from it has
    const again = fresh();
    createClusterApart(again);
    expect(systemId(pgDir)).toBe(systemId(again));
    expect(await answers(pgDir)).toMatch(/^PostgreSQL 1\d\./);
    // with the schema: every migration of this build recorded as applied, as the migrator would
    const db = new PGlite(pgDir);
    try {
      const { rows } = await db.query<{ migration_name: string; checksum: string }>(
        'SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name',
      );
      expect(rows).toEqual(
        readMigrations().map((m) => ({ migration_name: m.name, checksum: m.checksum })),
      );
    } finally {
      await db.close();
    }
  }, 60_000);

  it('falls back to initdb when the template is cut short', async () => {
    const cut = path.join(mkdtempSync(path.join(tmpdir(), 'nkmt-tpl-')), 'cut.tar');
    dirs.push(path.dirname(cut));
    copyFileSync(clusterTemplate()!, cut);
    writeFileSync(cut, readFileSync(cut).subarray(0, 1_000_000));
    const pgDir = fresh();
    createClusterApart(pgDir, cut);
    const fromTemplate = fresh();
    createClusterApart(fromTemplate);
    expect(systemId(pgDir)).not.toBe(systemId(fromTemplate)); // initdb's own
    expect(await answers(pgDir)).toMatch(/^PostgreSQL 1\d\./);
  }, 60_000);

  it('falls back to initdb when the template is not an archive at all', async () => {
    const junk = path.join(mkdtempSync(path.join(tmpdir(), 'nkmt-tpl-')), 'junk.tar');
    dirs.push(path.dirname(junk));
    writeFileSync(junk, 'not a tar file\n'.repeat(100));
    const pgDir = fresh();
    createClusterApart(pgDir, junk);
    expect(await answers(pgDir)).toMatch(/^PostgreSQL 1\d\./);
  }, 60_000);
});
