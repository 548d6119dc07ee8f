import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { migrate, readMigrations, SqlConnection } from '../../src/database/migrator';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';

// The migration that stores observations as series and points (20261204190000) on a database that
// already holds observations and a revision, as an existing user's does: every row keeps its id
// and values, the revision keeps its observation, and the view answers and takes writes.
const SERIES_MIGRATION = '20261204190000_observation_as_series_and_points';

async function connect(db: TestDb): Promise<SqlConnection & { close(): Promise<void> }> {
  if (db.kind === 'postgres') {
    const client = new Client({ connectionString: db.env.DATABASE_URL });
    await client.connect();
    return {
      exec: async (sql) => void (await client.query(sql)),
      query: async <T>(sql: string, params: unknown[] = []) =>
        (await client.query(sql, params)).rows as T[],
      close: () => client.end(),
    };
  }
  const pglite = new PGlite(db.dataDir);
  await pglite.waitReady;
  return {
    exec: async (sql) => void (await pglite.exec(sql)),
    query: async <T>(sql: string, params: unknown[] = []) =>
      (await pglite.query<T>(sql, params)).rows,
    close: () => pglite.close(),
  };
}

describe.each(TEST_DATABASES)('the series migration on %s', (kind) => {
  it('moves stored observations into series and points with their ids, values and revisions', async () => {
    const db = await freshDatabase(kind);
    const conn = await connect(db);
    try {
      const files = readMigrations();
      const at = files.findIndex((f) => f.name === SERIES_MIGRATION);
      expect(at).toBeGreaterThan(0);
      await migrate(conn, files.slice(0, at));
      await conn.exec(`
        INSERT INTO country (iso3, name) VALUES ('PRK', 'North Korea') ON CONFLICT DO NOTHING;
        INSERT INTO source (id, name, home_url, credit) VALUES ('s1', 'S', 'https://example.org', 'S');
        INSERT INTO market (id, name, kind, country) VALUES ('pyongyang', 'Pyongyang', 'city', 'PRK'),
          ('hyesan', 'Hyesan', 'city', 'PRK');
        INSERT INTO commodity (id, name, category, default_unit) VALUES ('rice', 'Rice', 'food', 'KPW/kg');
        INSERT INTO observation (source_id, market_id, commodity_id, survey_date, value, unit, currency,
                                 raw_value, source_url, fetched_at, parser_version)
        VALUES ('s1', 'pyongyang', 'rice', '2020-01-01', 100, 'KPW/kg', 'KPW', '100', 'u', now(), 'p'),
               ('s1', 'hyesan', 'rice', '2020-01-01', 110, 'KPW/kg', 'KPW', '110', 'u', now(), 'p'),
               ('s1', 'pyongyang', 'rice', '2020-02-01', 120, 'KPW/kg', 'KPW', '120', 'u', now(), 'p'),
               ('s1', 'pyongyang', 'rice', '2020-02-01', 7, 'KPW/USD', 'KPW', '7', 'u', now(), 'p');
        UPDATE observation SET value = 105 WHERE market_id = 'pyongyang' AND survey_date = '2020-01-01';`);
      const read = `SELECT id::int AS id, market_id, unit, to_char(survey_date, 'YYYY-MM-DD') AS date, value
                    FROM observation ORDER BY id`;
      const before = await conn.query<{ id: number }>(read);
      expect(before).toHaveLength(4);

      await migrate(conn, files);
      expect(await conn.query(read)).toEqual(before);
      // one series per key without its date: Pyongyang's rice in two units, Hyesan's
      expect(await conn.query<{ n: number }>('SELECT count(*)::int AS n FROM series')).toEqual([
        { n: 3 },
      ]);
      expect(
        await conn.query(
          'SELECT observation_id::int AS id, previous_value, new_value FROM observation_revision',
        ),
      ).toEqual([{ id: before[0].id, previous_value: 100, new_value: 105 }]);
      // the view takes writes: a change keeps its revision, a new row takes the next id
      await conn.exec(
        `UPDATE observation SET value = 106 WHERE market_id = 'pyongyang' AND survey_date = '2020-01-01' AND unit = 'KPW/kg'`,
      );
      expect(
        await conn.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM observation_revision WHERE new_value = 106',
        ),
      ).toEqual([{ n: 1 }]);
      const [made] = await conn.query<{ id: number; country: string }>(
        `INSERT INTO observation (source_id, market_id, commodity_id, survey_date, value, unit, currency,
                                  raw_value, source_url, fetched_at, parser_version)
         VALUES ('s1', 'hyesan', 'rice', '2020-02-01', 130, 'KPW/kg', 'KPW', '130', 'u', now(), 'p')
         RETURNING id::int AS id, country`,
      );
      expect(made).toEqual({ id: before[3].id + 1, country: 'PRK' });
      await conn.exec(`DELETE FROM observation WHERE id = ${made.id}`);
      expect(
        await conn.query<{ n: number }>('SELECT count(*)::int AS n FROM series_point'),
      ).toEqual([{ n: 4 }]);
    } finally {
      await conn.close();
      await db.cleanup();
    }
  }, 120_000);
});
