import type { PoolClient } from 'pg';
import type { Prisma } from '../generated/prisma/client';

// The statements of one write transaction, on whichever connection runs it: Prisma's interactive
// transaction (PGlite, and PostgreSQL without the bulk path) or a raw pg client inside BEGIN/COMMIT
// (PostgreSQL's COPY path). Positional parameters ($1, $2, ...) in both.
export interface SqlTx {
  execute(sql: string, ...params: unknown[]): Promise<number>;
  query<T>(sql: string, ...params: unknown[]): Promise<T[]>;
}

export const prismaTx = (tx: Prisma.TransactionClient): SqlTx => ({
  execute: (sql, ...params) => tx.$executeRawUnsafe(sql, ...params),
  query: <T>(sql: string, ...params: unknown[]) => tx.$queryRawUnsafe<T[]>(sql, ...params),
});

export const pgTx = (client: PoolClient): SqlTx => ({
  execute: async (sql, ...params) => (await client.query(sql, params)).rowCount ?? 0,
  query: async <T>(sql: string, ...params: unknown[]) =>
    (await client.query(sql, params)).rows as T[],
});
