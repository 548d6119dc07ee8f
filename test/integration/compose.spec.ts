import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

// The compose file parses and is what the README and docs/scale-out.md say: the app on PostgreSQL 16
// with a healthcheck and a data volume, cron on one replica only, and a citus profile.
const ROOT = path.join(__dirname, '..', '..');

interface Service {
  image?: string;
  build?: string;
  profiles?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const s = compose.services;

  it('runs the app on PostgreSQL 16 with a healthcheck and a named data volume', () => {
    expect(s.db.image).toBe('postgres:16');
    expect(s.db.healthcheck?.test.join(' ')).toMatch(/pg_isready/);
    expect(s.db.volumes).toEqual(['pgdata:/var/lib/postgresql/data']);
    expect(compose.volumes).toHaveProperty('pgdata');
    expect(s.app.build).toBe('.');
    expect(s.app.depends_on?.db.condition).toBe('service_healthy');
    expect(s.app.environment?.DATABASE_URL).toMatch(/^postgresql:\/\/postgres:postgres@db:5432\//);
  });

  it('schedules fetching on one replica only', () => {
    const withCron = Object.entries(s).filter(
      ([, v]) => !v.profiles && v.environment?.ENABLE_CRON === 'true',
    );
    expect(withCron.map(([k]) => k)).toEqual(['app']);
    expect(s['app-replica'].environment?.ENABLE_CRON).toBe('false');
  });

  it('has a citus profile: a coordinator, two workers and an app on the coordinator', () => {
    const citus = Object.entries(s).filter(([, v]) => v.profiles?.includes('citus'));
    expect(citus.map(([k]) => k).sort()).toEqual([
      'app-citus',
      'citus-coordinator',
      'citus-worker-1',
      'citus-worker-2',
    ]);
    expect(s['app-citus'].environment?.DATABASE_URL).toMatch(/@citus-coordinator:5432\//);
  });

  it('is described where the README points', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/docker compose up/);
    expect(readme).toMatch(/docs\/scale-out\.md/);
    const doc = readFileSync(path.join(ROOT, 'docs', 'scale-out.md'), 'utf8');
    expect(doc).toMatch(/create_distributed_table\('observation', 'country'/);
  });
});
