import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

// This instance's host in holder names: INSTANCE_HOST (a pod or container name) or the host name.
export const instanceHost = (config: { instanceHost?: string }): string =>
  config.instanceHost ?? hostname();

// A process's name in the lease table and the ledgers: host, pid and a nonce (pids are reused, and
// one process may run several application instances in tests).
export const newHolder = (host: string): string =>
  `${host}:${process.pid}:${randomBytes(4).toString('hex')}`;

export function parseHolder(holder: string): { host: string; pid: number } | undefined {
  const m = /^(.*):(\d+):[0-9a-f]+$/.exec(holder);
  return m ? { host: m[1], pid: Number(m[2]) } : undefined;
}

// A process's state and start time from /proc (Linux): a zombie (Z) or dead (X) process is gone
// although kill(pid, 0) still succeeds until its parent reaps it, and the start time (clock ticks
// after boot) tells the holder from a later process that was given the same pid. Undefined where
// there is no /proc.
export function processStat(pid: number): { state: string; startTicks: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so read after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], startTicks: fields[19] };
  } catch {
    return undefined;
  }
}

// Whether a process is alive: it exists, is not a zombie waiting for its parent, and (when the
// start time it had is known) is the same process, not a newer one with its pid.
export function isProcessAlive(pid: number, startTicks?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = processStat(pid);
  if (!stat) return true; // no /proc: kill(pid, 0) is all there is to go on
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return startTicks === undefined || stat.startTicks === startTicks;
}

// A holder known to be dead without waiting for anything to expire: a process of this host that
// no longer exists.
export function isDeadLocalHolder(holder: string | null, host: string): boolean {
  const id = holder ? parseHolder(holder) : undefined;
  return !!id && id.host === host && id.pid !== process.pid && !isProcessAlive(id.pid);
}
