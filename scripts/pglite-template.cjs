// The embedded database's cluster with the schema migrated, made once at install (postinstall,
// build, test) and kept beside the build in dist/pglite-cluster-<version>-<migrations>.tar: a
// first start on an empty data folder unpacks it (src/database/data-dir-lock.ts) instead of
// running initdb and the migrations (node bench/starts.cjs). Made by the PGlite this install has
// and named by its version and a digest of the migrations, so a start never unpacks another
// PGlite's cluster or another schema's.
// Usage: node scripts/pglite-template.cjs   (skipped when the file exists)
const {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
  renameSync,
} = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const { version } = require(
  path.join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'),
);
// the build's own code (tsc runs first in postinstall, build and test): the migrations and the
// name the server looks the template up by
const { readMigrations, migrate } = require(path.join(ROOT, 'dist', 'database', 'migrator.js'));
const { clusterTemplateName } = require(path.join(ROOT, 'dist', 'database', 'data-dir-lock.js'));
const migrations = readMigrations();
const name = clusterTemplateName(version, migrations);
const out = path.join(ROOT, 'dist', name);

(async () => {
  if (existsSync(out)) return;
  const { PGlite } = require('@electric-sql/pglite');
  const dir = mkdtempSync(path.join(tmpdir(), 'nkmt-cluster-'));
  try {
    const db = new PGlite(dir);
    await db.waitReady;
    // the schema as the server's migrator applies it, recorded in its ledger the same way
    await migrate(
      {
        exec: async (sql) => void (await db.exec(sql)),
        query: async (sql, params) => (await db.query(sql, params)).rows,
      },
      migrations,
    );
    const tar = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    await db.close();
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(`${out}.partial`, tar);
    renameSync(`${out}.partial`, out); // whole or absent
    // another PGlite's or another schema's template is never looked up again
    for (const f of readdirSync(path.dirname(out)))
      if (/^pglite-cluster-.*\.tar$/.test(f) && f !== name) rmSync(path.join(path.dirname(out), f));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})().catch((err) => {
  // no template only means the first start runs initdb and the migrations, as before
  console.error(`the embedded cluster template was not made: ${err.message}`);
});
