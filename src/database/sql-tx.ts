import type { Transaction } from '@electric-sql/pglite';
import type { PoolClient } from 'pg';

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
