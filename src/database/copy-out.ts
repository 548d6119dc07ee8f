import { finished } from 'node:stream/promises';
import { to as copyTo } from 'pg-copy-streams';
import { PrismaService } from './prisma.service';
import { pgTransaction } from './sql-tx';

// A large read as one binary COPY, on whichever database runs: COPY ... TO STDOUT through a raw pg
// connection on a PostgreSQL server, COPY ... TO '/dev/blob' through PGlite's own query on the
// embedded one. Numbers come as their binary words, not as text the database writes and the app
// parses again: a country's 2.9 million prices as float8 arrays took half the time of the same
// read through Prisma as text on PGlite (bench/alerts.cjs).
//
// COPY takes no bind parameters, so the values a query needs are passed as settings of its
// transaction (set_config(name, value, true), bound as usual) that the query reads with
// current_setting(name): never spliced into the SQL.
export interface CopyOutRead {
  select: string; // the SELECT to copy; it reads its values with current_setting('nkmt.<name>')
  settings?: Record<string, string>; // name (without the nkmt. prefix) → value
  workMem?: string; // work_mem for the statement, e.g. '256MB'
}

// A text[] value for a setting (cast back with ::text[]): each element quoted, its quotes and
// backslashes escaped.
export const settingArray = (values: readonly string[]): string =>
  `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;

export async function copyOutBinary(prisma: PrismaService, read: CopyOutRead): Promise<Uint8Array> {
  const sets: [string, unknown[]][] = Object.entries(read.settings ?? {}).map(([name, value]) => [
    'SELECT set_config($1, $2, true)',
    [`nkmt.${name}`, value],
  ]);
  if (read.workMem) sets.push(['SELECT set_config($1, $2, true)', ['work_mem', read.workMem]]);
  const copy = `COPY (${read.select}) TO`;
  const pool = prisma.rawPool();
  if (pool)
    return pgTransaction(
      pool,
      async (client) => {
        for (const [sql, params] of sets) await client.query(sql, params);
        const stream = client.query(copyTo(`${copy} STDOUT WITH (FORMAT binary)`));
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        await finished(stream);
        return Buffer.concat(chunks);
      },
      'BEGIN READ ONLY',
    );
  const pglite = prisma.rawPglite();
  if (!pglite) throw new Error('no database to read from');
  return pglite.transaction(async (tx) => {
    for (const [sql, params] of sets) await tx.query(sql, params);
    const result = await tx.query(`${copy} '/dev/blob' WITH (FORMAT binary)`);
    if (!result.blob) throw new Error('the database answered the COPY without its data');
    return new Uint8Array(await result.blob.arrayBuffer());
  });
}

// The column types a binary COPY reader knows: text, int4 and one-dimensional int4, date and
// float8 arrays (without nulls). Dates come as days since 1970-01-01.
export type CopyColumn = 'text' | 'int4' | 'int4[]' | 'date[]' | 'float8[]';
type ArrayColumn = 'int4[]' | 'date[]' | 'float8[]';
export type CopyValue = string | number | Int32Array | Float64Array | null;

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]; // PGCOPY\n\377\r\n\0
const ELEMENT_OID: Record<ArrayColumn, number> = { 'int4[]': 23, 'date[]': 1082, 'float8[]': 701 };
const DAYS_1970_TO_2000 = 10_957; // a binary date counts days from 2000-01-01

// The rows of PostgreSQL's binary COPY format (the file header, then per row a field count and
// per field a length and its bytes, big-endian; -1 for null; a field count of -1 ends it), read
// as the given column types. A stream of another shape (the wrong column count, an array of
// another element type or with nulls, truncated bytes) is an error that says where.
export function readCopyBinary(bytes: Uint8Array, columns: readonly CopyColumn[]): CopyValue[][] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder();
  const fail = (at: number, what: string): never => {
    throw new Error(`binary COPY: ${what} at byte ${at} of ${bytes.length}`);
  };
  const need = (at: number, n: number) => {
    if (at + n > bytes.length) fail(at, 'the data ends early');
  };
  need(0, 19);
  if (SIGNATURE.some((b, i) => bytes[i] !== b)) fail(0, 'not a binary COPY header');
  let at = 15; // signature and flags
  at += 4 + view.getInt32(at); // the header extension
  const rows: CopyValue[][] = [];
  for (;;) {
    need(at, 2);
    const fields = view.getInt16(at);
    at += 2;
    if (fields === -1) return rows;
    if (fields !== columns.length) fail(at - 2, `a row of ${fields} fields, not ${columns.length}`);
    const row: CopyValue[] = new Array<CopyValue>(fields);
    for (let c = 0; c < fields; c++) {
      need(at, 4);
      const length = view.getInt32(at);
      at += 4;
      if (length === -1) {
        row[c] = null;
        continue;
      }
      need(at, length);
      const kind = columns[c];
      if (kind === 'text') row[c] = text.decode(bytes.subarray(at, at + length));
      else if (kind === 'int4') row[c] = view.getInt32(at);
      else row[c] = readArray(view, at, length, kind, fail);
      at += length;
    }
    rows.push(row);
  }
}

// A one-dimensional array without nulls: dimensions, has-nulls flag, element type, then per
// dimension its size and lower bound, then per element its length and bytes.
function readArray(
  view: DataView,
  start: number,
  length: number,
  kind: ArrayColumn,
  fail: (at: number, what: string) => never,
): Int32Array | Float64Array {
  const dims = view.getInt32(start);
  if (dims === 0) return kind === 'float8[]' ? new Float64Array(0) : new Int32Array(0);
  const element = view.getInt32(start + 8);
  if (dims !== 1) fail(start, `an array of ${dims} dimensions`);
  if (view.getInt32(start + 4) !== 0) fail(start, 'an array with nulls');
  if (element !== ELEMENT_OID[kind]) fail(start, `an array of type ${element}, not ${kind}`);
  const n = view.getInt32(start + 12);
  const width = kind === 'float8[]' ? 8 : 4;
  if (20 + n * (4 + width) !== length) fail(start, 'an array whose length disagrees with its size');
  let p = start + 20;
  if (kind !== 'float8[]') {
    const offset = kind === 'date[]' ? DAYS_1970_TO_2000 : 0;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++, p += 8) out[i] = view.getInt32(p + 4) + offset;
    return out;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++, p += 12) out[i] = view.getFloat64(p + 4);
  return out;
}
