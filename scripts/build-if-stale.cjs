#!/usr/bin/env node
// `npm start` and `npm run cli` build first, but only when a source file is newer than the last
// build: a full type-check costs seconds that a cron job or a restart should not pay every time.
const { spawnSync } = require('node:child_process');
const { readdirSync, statSync, existsSync, utimesSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const stamp = path.join(root, 'dist', '.tsbuildinfo');

// The newest time of the files under `dir` that `counts` keeps (with `dirs`, of the directories
// too: a file removed changes its directory's time).
function newest(dir, counts = () => true, dirs = false) {
  let latest = dirs ? statSync(dir).mtimeMs : 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(p, counts, dirs));
    else if (counts(entry.name)) latest = Math.max(latest, statSync(p).mtimeMs);
  }
  return latest;
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const sources = Math.max(newest(path.join(root, 'src'), (name) => name.endsWith('.ts')), statSync(path.join(root, 'tsconfig.json')).mtimeMs);
if (sources > built) {
  const tsc = require.resolve('typescript/bin/tsc');
  const res = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
  // tsc leaves its build info alone when nothing changed: mark the check as done
  const now = new Date();
  utimesSync(stamp, now, now);
}

// The embedded database's cluster template (scripts/pglite-template.cjs) is named by the
// migrations it carries: after a new migration (a pull, a branch), `npm start` on an empty folder
// would find none and fall back to initdb and every migration. Remade here when a migration is
// newer than the newest template, or none is there (a look at a few directories' times, no more).
const migrationsDir = path.join(root, 'prisma', 'migrations');
const dist = path.join(root, 'dist');
const templates = () =>
  existsSync(dist) ? readdirSync(dist).filter((f) => /^pglite-cluster-.*\.tar$/.test(f)) : [];
const template = Math.max(0, ...templates().map((f) => statSync(path.join(dist, f)).mtimeMs));
if (existsSync(migrationsDir) && newest(migrationsDir, undefined, true) > template) {
  const res = spawnSync(process.execPath, [path.join(root, 'scripts', 'pglite-template.cjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (res.status !== 0) process.exit(res.status ?? 1);
  // marked as checked: the current template (made now, or already there) and any stale one,
  // which no start looks up by name
  const now = new Date();
  for (const f of templates()) utimesSync(path.join(dist, f), now, now);
}
