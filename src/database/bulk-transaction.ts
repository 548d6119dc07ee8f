import type { Connection, PoolClient, Submittable } from 'pg';
import { PrismaService } from './prisma.service';
import { pgliteTx, pgTransaction, pgTx, SqlTx } from './sql-tx';

// COPY's text format: tab-separated, \N for null, backslash escapes for \, tab, newline, return.
const NEEDS_ESCAPE = /[\\\t\n\r]/;
export const copyText = (v: string | null | undefined): string =>
  v === null || v === undefined
    ? '\\N'
    : NEEDS_ESCAPE.test(v)
      ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
      : v;
export const copyNumber = (v: number | null | undefined): string =>
  v === null || v === undefined ? '\\N' : String(v);

// One COPY ... FROM STDIN whose rows go onto the socket with the query itself, not when the
// server's CopyInResponse has been read. pg-copy-streams waits for that message, and this
// thread, making the next batch's lines meanwhile, read it only when it was done: the server sat
// idle for each batch's data (a 49,500-row file into PostgreSQL: ten COPYs of 60-90 ms, each
// following the one before with no gap, for 36 ms of the server's own work). The protocol allows
// it: a backend outside COPY mode accepts and ignores CopyData and CopyDone (a COPY that fails,
// or a statement before it that fails, leaves the rest of the data unread, and the error comes
// back as the query's).
class EagerCopy implements Submittable {
  constructor(
    readonly text: string,
    private readonly lines: string | Buffer,
    private readonly settle: (err?: Error) => void,
  ) {}

  submit(connection: Connection): void {
    connection.query(this.text);
    const data = typeof this.lines === 'string' ? Buffer.from(this.lines) : this.lines;
    const stream = connection.stream;
    // CopyData messages of at most 1 MiB (a message's length is an int32; the server's limit per
    // message is far above this), then CopyDone
    for (let at = 0; at < data.length; at += COPY_DATA_MAX) {
      const piece = data.subarray(at, Math.min(data.length, at + COPY_DATA_MAX));
      const head = Buffer.allocUnsafe(5);
      head[0] = 0x64; // 'd'
      head.writeUInt32BE(piece.length + 4, 1);
      stream.write(head);
      stream.write(piece);
    }
    stream.write(COPY_DONE);
  }

  // pg's query timeout (query_timeout) wraps this to clear its timer: called once the query ends
  callback(): void {}
  handleCopyInResponse(): void {}
  handleCommandComplete(): void {}
  // pg drops the query after an error, so no ReadyForQuery comes to it (after a query_timeout's
  // error one may: settling a settled promise again does nothing)
  handleError(err: Error): void {
    this.callback();
    this.settle(err);
  }
  handleReadyForQuery(): void {
    this.callback();
    this.settle();
  }
}
const COPY_DATA_MAX = 2 ** 20;
const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]); // 'c', length 4

// One transaction of a bulk writer (observations, towers) on whichever database runs, with COPY,
// which Prisma's client does not expose: a raw pg connection inside BEGIN/COMMIT on a PostgreSQL
// server (COPY ... FROM STDIN), PGlite's own transaction on the embedded one (COPY ... FROM
// '/dev/blob').
export interface BulkTx extends SqlTx {
  // one COPY of `lines` (COPY text format, one row per line, as text or its UTF-8 bytes) into
  // `target`: 'table (columns)'. `before`: statements (no parameters, no results) run first, on a
  // PostgreSQL server in the COPY's own round trip (one simple query: a savepoint and its COPY
  // sent together, with no second query queued on the connection meanwhile, which pg 8 warns of
  // and pg 9 will refuse)
  copy(target: string, lines: string | Buffer, before?: readonly string[]): Promise<void>;
  // the connection itself on a PostgreSQL server, for a COPY streamed across batches
  readonly pgClient?: PoolClient;
}

// Before it begins and before each COPY, the disk under the embedded database must keep its
// reserve (StorageGuard): a write that would fill it is refused with a StorageFullError and rolled
// back, before PGlite meets the full disk itself.
export async function bulkTransaction<T>(
  prisma: PrismaService,
  work: (tx: BulkTx) => Promise<T>,
  what = 'the write',
): Promise<T> {
  prisma.storage.assertWritable(what);
  const pool = prisma.rawPool();
  if (pool)
    return pgTransaction(pool, (client) =>
      work({
        ...pgTx(client),
        copy: (target, lines, before = []) =>
          new Promise<void>((resolve, reject) => {
            client.query(
              new EagerCopy([...before, `COPY ${target} FROM STDIN`].join('; '), lines, (err) =>
                err ? reject(err) : resolve(),
              ),
            );
          }),
        pgClient: client,
      }),
    );
  const pglite = prisma.rawPglite();
  if (!pglite) throw new Error('no database to write to');
  const buffer = new CopyBuffer();
  return pglite.transaction((tx) =>
    work({
      ...pgliteTx(tx),
      async copy(target, lines, before = []) {
        for (const statement of before) await tx.query(statement);
        // a batch's rows, their indexes and their log take about three times its text
        prisma.storage.assertWritable(what, 3 * lines.length);
        await tx.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: buffer.holding(lines) });
      },
    }),
  );
}

// The bytes of one PGlite COPY, in one buffer reused by every COPY of a transaction. A Blob per
// batch (and the ArrayBuffer PGlite reads it into) was native memory freed only when a full
// collection found it: tens of MiB of a country-scale import's peak. PGlite's '/dev/blob' reads
// the whole ArrayBuffer that the `blob` option's arrayBuffer() gives, once per statement, so the
// buffer is resized (not reallocated) to each batch's exact length. Past MAX bytes, a Blob.
class CopyBuffer {
  private static readonly MAX = 256 * 2 ** 20;
  private readonly bytes = new ArrayBuffer(0, { maxByteLength: CopyBuffer.MAX });
  private readonly encoder = new TextEncoder();

  holding(lines: string | Buffer): Blob {
    const length = typeof lines === 'string' ? Buffer.byteLength(lines) : lines.length;
    if (length > CopyBuffer.MAX) return new Blob([lines]);
    this.bytes.resize(length);
    if (typeof lines === 'string') this.encoder.encodeInto(lines, new Uint8Array(this.bytes));
    else new Uint8Array(this.bytes).set(lines);
    const bytes = this.bytes;
    return { arrayBuffer: () => Promise.resolve(bytes) } as unknown as Blob;
  }
}
