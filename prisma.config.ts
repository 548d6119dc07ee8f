// Prisma CLI configuration: the JavaScript (WebAssembly) schema engine through a driver adapter,
// so no native engine is downloaded. The app applies migrations itself (src/database/migrator.ts);
// this file serves `prisma generate` and `prisma migrate diff` when authoring a migration.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  experimental: { adapter: true },
  engine: 'js',
  adapter: () => Promise.resolve(new PrismaPGlite(new PGlite())),
});
