import { randomBytes } from 'node:crypto';
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

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// A holder known to be dead without waiting for anything to expire: a process of this host that
// no longer exists.
export function isDeadLocalHolder(holder: string | null, host: string): boolean {
  const id = holder ? parseHolder(holder) : undefined;
  return !!id && id.host === host && id.pid !== process.pid && !isProcessAlive(id.pid);
}
