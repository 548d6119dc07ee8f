import { existsSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { StorageFullError } from '../common/domain-error';

const MiB = 2 ** 20;

// PostgreSQL writes its write-ahead log in 16 MiB segments: a new segment is a 16 MiB file. An
// embedded PGlite that cannot create one stops answering for good (its next statement spins
// without end), so the guard keeps that much free, and more, for every write.
export const WAL_SEGMENT_BYTES = 16 * MiB;

export interface StorageStatus {
  path: string;
  freeMiB: number;
  reserveMiB: number;
  writable: boolean;
  reason?: string; // why writes are refused, when they are
}

// The free space of the disk under the embedded database, checked before every write (a run's
// start, each batch of a bulk write): below the reserve, a write is refused with a StorageFullError
// (HTTP 507, exit code 1) that names the disk, its free space and the setting, before PGlite
// meets "No space left on device" itself. Reads never check. Nothing is remembered: once space is
// back, the next write goes ahead, without a restart. On a PostgreSQL server the disk is the
// server's, which reports a full disk itself (SQLSTATE 53100, passed on as the same kind).
export class StorageGuard {
  private readonly reserveBytes: number;

  constructor(
    private readonly dir: string | undefined,
    reserveMiB: number,
  ) {
    this.reserveBytes = Math.max(reserveMiB * MiB, 0);
  }

  get active(): boolean {
    return this.dir !== undefined && this.reserveBytes > 0;
  }

  // Free bytes for this process on the disk holding the folder (or its nearest existing parent).
  freeBytes(): number | undefined {
    if (this.dir === undefined) return undefined;
    let dir = this.dir;
    while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  }

  status(): StorageStatus | undefined {
    const free = this.freeBytes();
    if (free === undefined || this.dir === undefined) return undefined;
    const writable = !this.active || free >= this.reserveBytes;
    return {
      path: this.dir,
      freeMiB: Math.floor(free / MiB),
      reserveMiB: this.reserveBytes / MiB,
      writable,
      ...(writable ? {} : { reason: this.refusal('a write', free, 0) }),
    };
  }

  // Throws before a write when the disk has less than the reserve free, plus `needBytes` where the
  // write can tell how much it will write in one statement; `what` names the write.
  assertWritable(what: string, needBytes = 0): void {
    if (!this.active) return;
    const free = this.freeBytes() as number;
    if (free >= this.reserveBytes + needBytes) return;
    throw new StorageFullError(this.refusal(what, free, needBytes));
  }

  // A start that failed (PGlite's own words are "ErrnoError { errno: 51 }" or "PGlite failed to
  // initialize properly"): a disk with less than two log segments free is said to be the cause.
  explainStartFailure(err: unknown): unknown {
    const free = this.freeBytes() ?? Infinity;
    if (free >= 2 * WAL_SEGMENT_BYTES) return err;
    return new StorageFullError(
      `disk full: the embedded database could not start with ${mib(free)} free on the disk holding ${this.dir} (${(err as Error)?.message ?? String(err)}). Free some space and start again`,
    );
  }

  private refusal(what: string, free: number, needBytes: number): string {
    const need = needBytes > 0 ? ` and the ${mib(needBytes)} it needs` : '';
    return `disk full: the disk holding the embedded database (${this.dir}) has ${mib(free)} free, under the ${mib(this.reserveBytes)} kept in reserve for writes (DISK_RESERVE_MB)${need}; ${what} was refused and nothing was changed. Reads go on; free some space and writes resume without a restart`;
  }
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(bytes < 10 * MiB ? 1 : 0)} MiB`;

// What a PGlite that met a full disk in its write-ahead log says, and after which every later
// statement (its next query, its close) spins without end in the WebAssembly backend, blocking the
// process: "could not write to file "pg_wal/xlogtemp.N": No space left on device" (SQLSTATE 53100),
// or inside a transaction, where the rollback that follows fails, 'cannot drop active portal'
// (24000). A full disk met while extending a table's file is an ordinary error: PGlite rolls back
// and goes on, so it does not wedge.
export function wedgesPglite(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : '';
  return (
    (e?.code === '53100' && /pg_wal|xlog/i.test(message)) ||
    (e?.code === '24000' && message.includes('cannot drop active portal'))
  );
}

type AnyFn = (...args: unknown[]) => Promise<unknown>;

// The embedded database behind a fence: once a statement has wedged it (wedgesPglite), no later
// call reaches it (each throws the StorageFullError that says so at once), so the process can
// answer, record what it can elsewhere and exit instead of spinning. `wedged` says why, if so.
export class PgliteFence {
  wedged?: string;

  wrap<T extends object>(db: T): T {
    return new Proxy(db, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== 'function') return value;
        const fn = (value as AnyFn).bind(target);
        if (prop === 'query' || prop === 'exec') return this.guarded(fn);
        if (prop === 'transaction')
          return this.guarded((work: unknown) =>
            fn((tx: object) => (work as (tx: object) => Promise<unknown>)(this.wrap(tx))),
          );
        return fn;
      },
    });
  }

  private guarded(fn: AnyFn): AnyFn {
    return async (...args) => {
      if (this.wedged) throw new StorageFullError(this.wedged);
      try {
        return await fn(...args);
      } catch (err) {
        if (!this.wedged && wedgesPglite(err))
          this.wedged = `disk full: the embedded database stopped when the disk filled under its write-ahead log (${(err as Error).message}); what it had committed is kept. Free some space and start it again`;
        throw err;
      }
    };
  }
}
