#!/usr/bin/env node
// Bundles the dashboard (web/src/*.ts: ECharts, the openapi-fetch client) into web/dist/dashboard.js
// with esbuild: one minified file the app serves itself, no CDN, works offline.
// Usage: node scripts/build-web.cjs [--if-stale]
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'web', 'dist', 'dashboard.js');

function newest(dir) {
  let latest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    latest = Math.max(latest, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return latest;
}

async function main() {
  if (process.argv.includes('--if-stale') && existsSync(out)) {
    if (statSync(out).mtimeMs >= newest(path.join(root, 'web', 'src'))) return;
  }
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    // a production install without dev dependencies keeps the bundle it was built with
    if (existsSync(out)) return;
    throw new Error('esbuild is not installed and web/dist/dashboard.js is missing: run npm ci');
  }
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'web', 'src', 'main.ts')],
    outfile: out,
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'iife',
    target: ['es2020'],
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const bytes = statSync(out).size;
  console.log(`web/dist/dashboard.js: ${(bytes / 1024).toFixed(0)} kB`);
  return result;
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
