// Helpers shared by the benchmark scripts: fresh databases, a server child process, peak memory.
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { Client } = require('pg');

const ROOT = path.join(__dirname, '..');
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL || 'postgresql://postgres@127.0.0.1:5432/test';

async function freshDatabase(kind) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'nkmt-bench-'));
  // the load figures are the server's capacity: the per-client rate limits are off
  const env = { DATA_DIR: dataDir, ENABLE_CRON: 'false', LOG_LEVEL: 'warn', HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_ANALYSIS_PER_MINUTE: '0' };
  let drop = async () => {};
  if (kind === 'postgres') {
    const name = `nkmt_bench_${process.pid}_${Date.now()}`;
    const c = new Client({ connectionString: POSTGRES_URL });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    drop = async () => {
      const d = new Client({ connectionString: POSTGRES_URL });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    };
  }
  return {
    env,
    dataDir,
    async cleanup() {
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Peak resident memory of a process, from /proc (Linux): VmHWM in MiB.
function peakRssMiB(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

// Starts the server as a child process and measures the time to its first answered request.
async function startServer(env, command = [process.execPath, ['dist/main.js']]) {
  const port = await freePort();
  const t0 = process.hrtime.bigint();
  const child = spawn(command[0], command[1], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const startMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    url,
    startMs,
    pid: child.pid,
    // the node process itself (npm start runs node as a grandchild)
    serverPid() {
      return findNodeChild(child.pid) ?? child.pid;
    },
    async stop() {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      // npm may exit before the server it started has closed its database: the data folder is
      // only the caller's once the whole process group is gone (a folder removed meanwhile failed
      // with ENOTEMPTY)
      for (;;) {
        try {
          process.kill(-child.pid, 0);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

function findNodeChild(pid) {
  // walks /proc for a descendant whose command is `node dist/main.js`
  const { readdirSync } = require('node:fs');
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppidChain = Number(stat.split(') ')[1].split(' ')[1]);
      if (cmd.some((c) => c.endsWith('dist/main.js')) && (ppidChain === pid || Number(p) === pid || isDescendant(Number(p), pid))) return Number(p);
    } catch {
      /* raced */
    }
  }
  return undefined;
}

function isDescendant(p, ancestor) {
  for (let i = 0; i < 10 && p > 1; i++) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      p = Number(stat.split(') ')[1].split(' ')[1]);
      if (p === ancestor) return true;
    } catch {
      return false;
    }
  }
  return false;
}

module.exports = { ROOT, freshDatabase, startServer, peakRssMiB };
