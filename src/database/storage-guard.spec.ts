import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StorageFullError } from '../common/domain-error';
import { PgliteFence, StorageGuard, wedgesPglite } from './storage-guard';

describe('StorageGuard', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'guard-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const freeMiB = () => {
    const s = statfsSync(dir);
    return (s.bavail * s.bsize) / 2 ** 20;
  };

  it('lets writes through while the disk keeps the reserve, and says why it refuses one', () => {
    new StorageGuard(dir, 1).assertWritable('the import');
    const huge = Math.ceil(freeMiB()) + 1024;
    const guard = new StorageGuard(path.join(dir, 'pglite', 'not-yet'), huge);
    expect(guard.status()).toMatchObject({ reserveMiB: huge, writable: false });
    expect(() => guard.assertWritable('the import')).toThrow(StorageFullError);
    expect(() => guard.assertWritable('the import')).toThrow(
      new RegExp(
        `^disk full: the disk holding the embedded database \\(.*not-yet\\) has [\\d.]+ MiB free, under the ${huge} MiB kept in reserve for writes \\(DISK_RESERVE_MB\\); the import was refused and nothing was changed`,
      ),
    );
    // a write's own size counts on top of the reserve
    expect(() =>
      new StorageGuard(dir, 1).assertWritable('the write', (freeMiB() + 10) * 2 ** 20),
    ).toThrow(/and the [\d.]+ MiB it needs; the write was refused/);
  });

  it('checks nothing on a PostgreSQL server, or with the reserve at 0', () => {
    expect(new StorageGuard(undefined, 32).status()).toBeUndefined();
    expect(() => new StorageGuard(undefined, 1e9).assertWritable('x')).not.toThrow();
    expect(() => new StorageGuard(dir, 0).assertWritable('x')).not.toThrow();
    expect(new StorageGuard(dir, 0).status()?.writable).toBe(true);
  });
});

describe('PgliteFence', () => {
  const wal = Object.assign(
    new Error('could not write to file "pg_wal/xlogtemp.42": No space left on device'),
    { code: '53100' },
  );
  const table = Object.assign(
    new Error('could not extend file "base/5/16384": No space left on device'),
    { code: '53100' },
  );

  it('tells a full log (PGlite stops for good) from a full table (an ordinary error)', () => {
    expect(wedgesPglite(wal)).toBe(true);
    expect(
      wedgesPglite(Object.assign(new Error('cannot drop active portal ""'), { code: '24000' })),
    ).toBe(true);
    expect(wedgesPglite(table)).toBe(false);
    expect(wedgesPglite(new Error('boom'))).toBe(false);
  });

  it('lets no call reach a wedged database, in or out of a transaction', async () => {
    const calls: string[] = [];
    let fail: Error | undefined = table;
    const tx = { query: async (sql: string) => (calls.push(`tx:${sql}`), []) };
    const db = {
      closed: false,
      query: async (sql: string) => {
        calls.push(sql);
        if (fail) throw fail;
        return { rows: [] };
      },
      exec: async (sql: string) => (calls.push(sql), []),
      transaction: async (work: (t: typeof tx) => Promise<unknown>) => work(tx),
    };
    const fence = new PgliteFence();
    const fenced = fence.wrap(db);
    await expect(fenced.query('INSERT 1')).rejects.toBe(table); // ordinary: passed on
    expect(fence.wedged).toBeUndefined();
    fail = undefined;
    await fenced.query('SELECT 1');
    await fenced.transaction((t) => t.query('SELECT 2'));
    fail = wal;
    await expect(fenced.query('INSERT 2')).rejects.toBe(wal);
    expect(fence.wedged).toMatch(
      /^disk full: the embedded database stopped when the disk filled under its write-ahead log \(could not write to file "pg_wal/,
    );
    const before = calls.length;
    await expect(fenced.query('SELECT 3')).rejects.toThrow(StorageFullError);
    await expect(fenced.exec('SELECT 4')).rejects.toThrow(/write-ahead log/);
    await expect(fenced.transaction((t) => t.query('SELECT 5'))).rejects.toThrow(StorageFullError);
    expect(calls.length).toBe(before); // none reached it
    expect(fenced.closed).toBe(false); // properties pass through
  });
});
