import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freshDatabase } from '../helpers/databases';
import { getJson, SERVER, startServer, stopServer } from '../helpers/processes';

// A server killed under a parent that reaps it late (an init process, a container runtime, a
// supervisor that restarts at once) stays a zombie for a while: kill(pid, 0) still succeeds. The
// restart must not take the zombie for a live holder of the data folder.
const procState = (pid: number): string | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
};

const haveProc = procState(process.pid) !== undefined;
if (!haveProc) console.warn('zombie restart test skipped: no /proc on this system');

(haveProc ? describe : describe.skip)('a restart beside its own unreaped dead server', () => {
  it('starts at once and serves the whole archive', async () => {
    const db = await freshDatabase('pglite');
    const env = { PATH: process.env.PATH ?? '', TZ: 'UTC', ...db.env, PORT: '0' };
    // sh starts the server, then becomes `sleep`, which never waits for its child: once killed,
    // the server stays a zombie until sleep exits
    const parent = spawn(
      'sh',
      ['-c', `"${process.execPath}" "${SERVER}" > "${db.dataDir}/first.log" 2>&1 & exec sleep 300`],
      { env, stdio: 'ignore', detached: true },
    );
    try {
      const lockFile = path.join(db.dataDir, 'app.lock');
      let pid = 0;
      for (let i = 0; i < 2400 && !pid; i++) {
        await new Promise((r) => setTimeout(r, 25));
        try {
          // killed while it starts (the archive being ingested), as the issue saw it
          pid = (JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number }).pid;
        } catch {
          // not written yet
        }
      }
      expect(pid).toBeGreaterThan(0);
      // the server and what it runs (the cluster's creation in a child), as kill -9 of its group
      // would; its parent, sleep, lives on and never reaps it. Stopped first, so that it starts
      // no child between the reading of its children and the kill.
      process.kill(pid, 'SIGSTOP');
      const children = (() => {
        try {
          return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
            .trim()
            .split(/\s+/)
            .filter(Boolean)
            .map(Number);
        } catch {
          return [];
        }
      })();
      process.kill(pid, 'SIGKILL');
      for (const c of children) {
        try {
          process.kill(c, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      for (let i = 0; i < 40 && procState(pid) !== 'Z'; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(procState(pid)).toBe('Z'); // dead, unreaped: kill(pid, 0) still succeeds
      expect(() => process.kill(pid, 0)).not.toThrow();

      const { server, port } = await startServer(db.env);
      try {
        const countries = await getJson<{ iso3: string; observations: number }[]>(
          port,
          '/api/countries',
        );
        expect(countries.find((c) => c.iso3 === 'PRK')?.observations).toBe(981);
      } finally {
        await stopServer(server);
      }
    } finally {
      if (parent.pid) process.kill(-parent.pid, 'SIGKILL');
      await db.cleanup();
    }
  }, 120_000);
});
