import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const SERVER = path.join(__dirname, '..', '..', 'dist', 'main.js');
export const CLI = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

export interface Spawned {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor: (re: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
}

// A compiled entry point (server or CLI) as its own process, with its output collected, so a test
// can wait for a line, kill it with any signal, and look at how it ended.
export function spawnNode(script: string, args: string[], env: Record<string, string>): Spawned {
  const proc = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer) => {
    out += b.toString();
    for (const l of listeners) l();
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => {
      for (const l of listeners) l();
      resolve({ code, signal });
    }),
  );
  const waitFor = (re: RegExp, timeoutMs = 60_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = out.match(re);
        if (m) {
          cleanup();
          resolve(m);
        } else if (proc.exitCode !== null || proc.signalCode !== null) {
          cleanup();
          reject(new Error(`process ended before ${re}:\n${out}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${re}:\n${out}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  return { proc, output: () => out, exited, waitFor };
}

// Starts the server and resolves when it serves, with its port and the time it took.
export async function startServer(
  env: Record<string, string>,
): Promise<{ server: Spawned; port: number; ms: number }> {
  const t0 = Date.now();
  const server = spawnNode(SERVER, [], { ...env, LOG_LEVEL: 'log', PORT: '0' });
  const m = await server.waitFor(/serving on http:\/\/localhost:(\d+)\/api/);
  return { server, port: Number(m[1]), ms: Date.now() - t0 };
}

export async function stopServer(s: Spawned): Promise<void> {
  if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGTERM');
  await s.exited;
}

export async function getJson<T>(port: number, urlPath: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`);
  if (!res.ok) throw new Error(`${urlPath}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
