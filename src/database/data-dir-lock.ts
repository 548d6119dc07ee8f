import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { extract } from 'tar';
import { isProcessAlive, processStat } from '../common/process-holder';
import { DomainError } from '../common/domain-error';
import { readMigrations } from './migrator';

// PGlite is one process: the data folder carries a lock file naming its holder, so a command
// line and a running server never open the same database at once. The holder is alive while its
// pid exists, is not a zombie its parent has not reaped yet (a supervisor that restarts at once
// would otherwise find its own dead server holding the folder), and started when the lock says.
// Node has no kernel-released lock (flock) without a native addon, so this is the check.

export interface LockInfo {
  pid: number;
  // the holder's start time (/proc, clock ticks after boot): a reused pid is not the holder
  procStart?: string;
  holder: 'server' | 'cli';
  startedAt: string;
  port?: number;
  host?: string;
  token?: string;
}

export class DataDirBusyError extends DomainError {
  readonly info: Omit<LockInfo, 'token'>; // never the token: errors get logged

  constructor(
    readonly lockFile: string,
    info: LockInfo,
  ) {
    super(
      'busy',
      info.holder === 'server'
        ? `the embedded database in ${path.dirname(lockFile)} is in use by a running server (pid ${info.pid}${info.port ? `, port ${info.port}` : ', still starting'})`
        : `the embedded database in ${path.dirname(lockFile)} is in use by another command (pid ${info.pid}); wait for it to finish`,
    );
    const { token: _secret, ...visible } = info;
    void _secret;
    this.info = visible;
    this.name = 'DataDirBusyError';
  }
}

export function lockFilePath(dataDir: string): string {
  return path.join(dataDir, 'app.lock');
}

// Reads the lock if a live process holds it; a lock left by a dead process counts as free.
export function readLiveLock(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockFilePath(dataDir), 'utf8')) as LockInfo;
    return isProcessAlive(info.pid, info.procStart) ? info : undefined;
  } catch {
    return undefined;
  }
}

export class DataDirLock {
  private info?: LockInfo;

  constructor(private readonly dataDir: string) {}

  get file(): string {
    return lockFilePath(this.dataDir);
  }

  acquire(holder: LockInfo['holder']): LockInfo {
    mkdirSync(this.dataDir, { recursive: true });
    const info: LockInfo = {
      pid: process.pid,
      procStart: processStat(process.pid)?.startTicks,
      holder,
      startedAt: new Date().toISOString(),
      token: randomBytes(24).toString('hex'),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.file, 'wx', 0o600);
        writeFileSync(fd, JSON.stringify(info));
        closeSync(fd);
        this.info = info;
        return info;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const live = readLiveLock(this.dataDir);
        if (live) throw new DataDirBusyError(this.file, live);
        rmSync(this.file, { force: true }); // stale: its process is gone
      }
    }
    throw new Error(`could not take the lock ${this.file}`);
  }

  // Publishes where the server listens, so a command line can hand it work.
  update(patch: Partial<LockInfo>): void {
    if (!this.info) return;
    this.info = { ...this.info, ...patch };
    writeFileSync(this.file, JSON.stringify(this.info), { mode: 0o600 });
  }

  get token(): string | undefined {
    return this.info?.token;
  }

  release(): void {
    if (!this.info) return;
    try {
      const current = JSON.parse(readFileSync(this.file, 'utf8')) as LockInfo;
      if (current.pid === process.pid) rmSync(this.file, { force: true });
    } catch {
      // already gone
    }
    this.info = undefined;
  }
}

// PGlite creates its cluster (initdb) on the first open of an empty folder. A process killed while
// it does leaves a half-made cluster that will not open again. A marker beside the folder, written
// before the creation and removed once the cluster is ready (before any migration or data), tells
// a restart that the folder holds nothing but an unfinished creation, safe to discard.
const creationMarker = (pgDir: string): string => `${pgDir}.creating`;

export function discardUnfinishedCluster(pgDir: string): void {
  const marker = creationMarker(pgDir);
  if (existsSync(marker)) rmSync(pgDir, { recursive: true, force: true });
  if (!existsSync(pgDir)) {
    mkdirSync(path.dirname(pgDir), { recursive: true });
    writeFileSync(marker, new Date().toISOString());
  }
}

// Without a template, cluster creation (initdb) runs in a short-lived child process: made in this
// process it leaves about 450 MiB behind (measured: 853 MiB RSS after a first start against
// 393 MiB when the cluster exists), which the server would carry for its whole life. The child
// exits and takes it along.
const CREATE_CLUSTER = `
const { PGlite } = require(process.argv[1]);
(async () => { const db = new PGlite(process.argv[2]); await db.waitReady; await db.close(); })()
  .catch((err) => { console.error(err && err.message ? err.message : err); process.exit(1); });`;

// The install's cluster (scripts/pglite-template.cjs: PGlite's own dump of a cluster it made, with
// the schema migrated) unpacked into the folder as files: no PGlite is started for it, in this
// process or a child (a child that loaded it through PGlite took 1.3-1.4 s more of a first
// start, BENCHMARKS.md). A template that does not unpack whole (cut short, not a tar) leaves
// nothing: false, and initdb makes the cluster instead.
function unpackTemplate(template: string, pgDir: string): boolean {
  try {
    mkdirSync(pgDir, { recursive: true });
    // a cut-short or damaged archive is a warning to tar; only its note that it stripped the
    // leading / of PGlite's member names is not a fault
    const faults: string[] = [];
    extract({
      file: template,
      cwd: pgDir,
      sync: true,
      // read in 1 MiB pieces, not tar's 16 MiB: the server keeps what its first start allocated
      maxReadSize: 2 ** 20,
      onwarn: (code, message) => {
        if (code !== 'TAR_ENTRY_INFO') faults.push(`${code}: ${String(message)}`);
      },
    });
    if (faults.length) throw new Error(faults[0]);
    if (!existsSync(path.join(pgDir, 'global', 'pg_control')))
      throw new Error('the template holds no global/pg_control');
    return true;
  } catch {
    rmSync(pgDir, { recursive: true, force: true });
    return false;
  }
}

// The cluster the install made for this PGlite and these migrations
// (scripts/pglite-template.cjs): named by PGlite's version and a digest of every migration's name
// and checksum, so a start never unpacks another PGlite's cluster or another schema's. Applying
// the 16 migrations was 1.3 s of a first start's 2.2 s of statements on PGlite (a per-statement
// timing of `node dist/main.js` on an empty folder).
export function clusterTemplateName(
  version: string,
  migrations: { name: string; checksum: string }[],
): string {
  const digest = createHash('sha256');
  for (const m of migrations) digest.update(`${m.name}\0${m.checksum}\n`);
  return `pglite-cluster-${version}-${digest.digest('hex').slice(0, 12)}.tar`;
}

// The template beside the build (dist/), or the build's when this runs from the sources (ts-jest).
export function clusterTemplate(): string | undefined {
  const main = require.resolve('@electric-sql/pglite');
  const pkg = JSON.parse(readFileSync(path.join(main, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  let name: string;
  try {
    name = clusterTemplateName(pkg.version, readMigrations());
  } catch {
    return undefined; // no migrations folder: the migrator will say so
  }
  return [path.join(__dirname, '..', name), path.resolve(__dirname, '..', '..', 'dist', name)].find(
    (p) => existsSync(p),
  );
}

// `template`: the install's (clusterTemplate), looked up only when the folder has no cluster yet.
export function createClusterApart(pgDir: string, template?: string): void {
  if (existsSync(path.join(pgDir, 'PG_VERSION'))) return;
  const from = template ?? clusterTemplate();
  if (from && unpackTemplate(from, pgDir)) return;
  try {
    execFileSync(
      process.execPath,
      ['-e', CREATE_CLUSTER, require.resolve('@electric-sql/pglite'), pgDir],
      { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
    );
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(
      `creating the embedded database in ${pgDir} failed: ${stderr || (err as Error).message}`,
    );
  }
}

export function clusterCreated(pgDir: string): void {
  rmSync(creationMarker(pgDir), { force: true });
}
