import { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app.factory';
import { copyOutBinary, readCopyBinary, settingArray } from '../../src/database/copy-out';
import { PrismaService } from '../../src/database/prisma.service';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';

// A large read as one binary COPY (copyOutBinary), on each database: the values it needs come as
// settings of its transaction (COPY takes no bind parameters), the answer as PostgreSQL's binary
// words, read back by readCopyBinary.
describe.each(TEST_DATABASES)('a binary COPY read on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  beforeAll(async () => {
    db = await freshDatabase(kind, {
      LOAD_ARCHIVE_ON_EMPTY: 'false',
      LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false',
    });
    app = await createApp(db.config, { listen: false });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  it('reads text, int4 and int4, date and float8 arrays, with nulls, in the given settings', async () => {
    const awkward = ['plain', 'it\'s "quoted"', 'back\\slash', 'comma, {brace}', 'héllo 평양'];
    const bytes = await copyOutBinary(app.get(PrismaService), {
      select: `SELECT s.v, length(s.v)::int4, ARRAY[1, -2, 2147483647]::int4[],
                      ARRAY[DATE '2000-01-01', DATE '1969-12-31', DATE '2019-03-05']::date[],
                      ARRAY[0.1, -1e300, 5e-324]::float8[], NULL::text,
                      current_setting('work_mem')
               FROM unnest((SELECT current_setting('nkmt.words')::text[])) WITH ORDINALITY s(v, i)
               WHERE i <= (SELECT current_setting('nkmt.limit')::int)
               ORDER BY i`,
      settings: { words: settingArray(awkward), limit: '4' },
      workMem: '8MB',
    });
    const rows = readCopyBinary(bytes, [
      'text',
      'int4',
      'int4[]',
      'date[]',
      'float8[]',
      'text',
      'text',
    ]);
    expect(rows.map((r) => r[0])).toEqual(awkward.slice(0, 4));
    expect(rows.map((r) => r[1])).toEqual(awkward.slice(0, 4).map((w) => w.length));
    const [first] = rows;
    expect(first[2]).toEqual(new Int32Array([1, -2, 2147483647]));
    // days since 1970-01-01
    expect(first[3]).toEqual(new Int32Array([10_957, -1, Date.UTC(2019, 2, 5) / 86_400_000]));
    expect(first[4]).toEqual(new Float64Array([0.1, -1e300, 5e-324]));
    expect(first[5]).toBeNull();
    expect(first[6]).toBe('8MB');
  });

  it('keeps its settings to its own transaction', async () => {
    const prisma = app.get(PrismaService);
    await copyOutBinary(prisma, { select: 'SELECT 1', settings: { only: 'here' } });
    const [row] = await prisma.$queryRawUnsafe<{ v: string | null }[]>(
      `SELECT current_setting('nkmt.only', true) AS v`,
    );
    expect(row.v ?? '').toBe('');
  });

  it("fails with the database's own error for a bad statement, and the next read works", async () => {
    const prisma = app.get(PrismaService);
    await expect(
      copyOutBinary(prisma, { select: 'SELECT no_such_column FROM market' }),
    ).rejects.toThrow(/no_such_column/);
    const rows = readCopyBinary(await copyOutBinary(prisma, { select: 'SELECT 41 + 1' }), ['int4']);
    expect(rows).toEqual([[42]]);
  });
});
