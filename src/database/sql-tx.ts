import type { Transaction } from '@electric-sql/pglite';
import type { Pool, PoolClient } from 'pg';

// The statements of one write transaction, on whichever connection runs it: a raw pg client inside
// BEGIN/COMMIT on a PostgreSQL server, or PGlite's own transaction (both for COPY, which Prisma's
// client does not expose). Positional parameters ($1, $2, ...) in both.
export interface SqlTx {
  execute(sql: string, ...params: unknown[]): Promise<number>;
  query<T>(sql: string, ...params: unknown[]): Promise<T[]>;
}

export const pgliteTx = (tx: Transaction): SqlTx => ({
  execute: async (sql, ...params) => (await tx.query(sql, params)).affectedRows ?? 0,
  query: async <T>(sql: string, ...params: unknown[]) => (await tx.query<T>(sql, params)).rows,
});

export const pgTx = (client: PoolClient): SqlTx => ({
  execute: async (sql, ...params) => (await client.query(sql, params)).rowCount ?? 0,
  query: async <T>(sql: string, ...params: unknown[]) =>
    (await client.query(sql, params)).rows as T[],
});

// One transaction on a connection of the pool (begin: 'BEGIN' or 'BEGIN READ ONLY'), committed
// when the work ends, rolled back when it throws. A connection lost while checked out (a database
// restart, a failover, a terminated backend) is an 'error' event on the client: kept, so the work
// fails and is rolled back by the server instead of an unhandled event ending the process, and
// the connection is discarded, not returned to the pool.
export async function pgTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (err: Error) => (lost = err);
  client.on('error', onError);
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.off('error', onError);
    client.release(lost);
  }
}
