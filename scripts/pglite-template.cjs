// The embedded database's empty cluster, made once at install (postinstall) and kept beside the
// build in dist/pglite-cluster-<version>.tar: a first start on an empty data folder unpacks it
// (src/database/data-dir-lock.ts) instead of running initdb (node bench/starts.cjs). Made by the
// PGlite this install has, and named by its version, so another PGlite never loads it.
// Usage: node scripts/pglite-template.cjs   (skipped when the file exists)
const {
  existsSync,
  mkdirSync,
  mkdtempSync,
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
const out = path.join(ROOT, 'dist', `pglite-cluster-${version}.tar`);

(async () => {
  if (existsSync(out)) return;
  const { PGlite } = require('@electric-sql/pglite');
  const dir = mkdtempSync(path.join(tmpdir(), 'nkmt-cluster-'));
  try {
    const db = new PGlite(dir);
    await db.waitReady;
    const tar = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    await db.close();
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(`${out}.partial`, tar);
    renameSync(`${out}.partial`, out); // whole or absent
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})().catch((err) => {
  // no template only means the first start runs initdb, as before
  console.error(`the embedded cluster template was not made: ${err.message}`);
});
