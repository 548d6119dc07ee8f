#!/usr/bin/env node
// Writes openapi.json: the API contract, committed so that clients (the dashboard, economists'
// scripts) can be generated from it and reviews see every change. A test fails when it is stale.
// Usage: npm run openapi
require('reflect-metadata');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

async function main() {
  const root = path.join(__dirname, '..');
  const { createApp, openApiDocument } = require(path.join(root, 'dist', 'app.factory.js'));
  const { loadConfig } = require(path.join(root, 'dist', 'config', 'app-config.js'));
  const dir = mkdtempSync(path.join(tmpdir(), 'nkmt-openapi-'));
  const app = await createApp(loadConfig({ DATA_DIR: dir, ENABLE_CRON: 'false', LOG_LEVEL: 'error', LOAD_ARCHIVE_ON_EMPTY: 'false', LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false' }), { listen: false });
  try {
    writeFileSync(path.join(root, 'openapi.json'), JSON.stringify(openApiDocument(app), null, 2) + '\n');
    console.log('wrote openapi.json');
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
