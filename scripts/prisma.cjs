#!/usr/bin/env node
// Runs the Prisma CLI fully offline (see PRISMA-OFFLINE notes in the README): the CLI checks that
// native engine files exist before every command even though this project uses the JavaScript
// engines, so both paths point at a committed placeholder and nothing is downloaded.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const placeholder = path.join(__dirname, '..', 'prisma', 'engines', 'placeholder');
const env = {
  ...process.env,
  PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
  PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
  PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  // The schema names env("DATABASE_URL"); generate and diff never connect to it.
  DATABASE_URL: process.env.DATABASE_URL || 'postgresql://unused@127.0.0.1:5432/unused',
};
const cli = require.resolve('prisma/build/index.js');
const res = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(res.status ?? 1);
