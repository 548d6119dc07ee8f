// npm run chaos: the long reliability runs that do not fit in CI, on PGlite and PostgreSQL.
//   1. Sustained read load: autocannon on a mix of read endpoints for CHAOS_LOAD_S (default 120 s),
//      the server's RSS sampled every 5 s: errors, non-2xx, p50/p99, and the memory curve.
//   2. A noisy neighbour: one client hammering the most expensive endpoint (the convergence report,
//      a new bootstrap count each time so the cache never answers) while another client reads
//      /api/health and a page of observations; the second client's p50/p99, with the default
//      per-client rate limits and with them off. The clients are told apart by X-Forwarded-For
//      behind TRUST_PROXY_HOPS=1, as behind a reverse proxy.
// Writes bench/out/chaos.json and prints a Markdown table for RELIABILITY.md.
const autocannon = require('autocannon');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { ROOT, freshDatabase, startServer } = require('./common.cjs');

const LOAD_S = Number(process.env.CHAOS_LOAD_S ?? 120);
const NEIGHBOUR_S = Number(process.env.CHAOS_NEIGHBOUR_S || 30);
const KINDS = (process.env.CHAOS_DATABASES || 'pglite,postgres').split(',');

const rssMiB = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : null;
};
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : null;
};

async function sustainedLoad(server) {
  const paths = [
    '/api/observations?commodity=rice&limit=500',
    '/api/observations?commodity=usd&market=pyongyang',
    '/api/health',
    '/api/markets',
    '/api/analysis/dispersion?commodity=rice',
    '/api/coverage/national?interval=month',
  ];
  const pid = server.serverPid();
  const curve = [{ s: 0, rssMiB: rssMiB(pid) }];
  const t0 = Date.now();
  const sampler = setInterval(() => curve.push({ s: Math.round((Date.now() - t0) / 1000), rssMiB: rssMiB(pid) }), 5000);
  const r = await autocannon({
    url: server.url,
    connections: 10,
    duration: LOAD_S,
    requests: paths.map((p) => ({ method: 'GET', path: p })),
  });
  clearInterval(sampler);
  curve.push({ s: LOAD_S, rssMiB: rssMiB(pid) });
  const rss = curve.map((c) => c.rssMiB);
  return {
    seconds: LOAD_S,
    requests: r.requests.total,
    rps: Math.round(r.requests.average),
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
    rssMiB: { start: rss[0], end: rss[rss.length - 1], min: Math.min(...rss), max: Math.max(...rss) },
    curve,
  };
}

async function noisyNeighbour(server) {
  const stop = Date.now() + NEIGHBOUR_S * 1000;
  const noisy = { '200': 0, '429': 0, other: 0 };
  let bootstrap = 99;
  const hammer = async () => {
    while (Date.now() < stop) {
      const res = await fetch(`${server.url}/api/analysis/convergence?commodity=rice&bootstrap=${bootstrap++}`, {
        headers: { 'x-forwarded-for': '10.0.0.1' },
      });
      await res.arrayBuffer();
      noisy[res.status === 200 || res.status === 429 ? res.status : 'other']++;
    }
  };
  const latencies = { health: [], observations: [] };
  const statuses = {};
  const quiet = async () => {
    let i = 0;
    while (Date.now() < stop) {
      const which = i++ % 2 ? 'observations' : 'health';
      const p = which === 'health' ? '/api/health' : '/api/observations?commodity=rice&limit=100';
      const t = process.hrtime.bigint();
      const res = await fetch(server.url + p, { headers: { 'x-forwarded-for': '10.0.0.2' } });
      await res.arrayBuffer();
      latencies[which].push(Number(process.hrtime.bigint() - t) / 1e6);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await Promise.all([hammer(), hammer(), hammer(), hammer(), quiet()]);
  const fmt = (xs) => ({ n: xs.length, p50: +quantile(xs, 0.5).toFixed(1), p99: +quantile(xs, 0.99).toFixed(1), max: +Math.max(...xs).toFixed(1) });
  return { seconds: NEIGHBOUR_S, noisyClient: noisy, otherClient: { statuses, health: fmt(latencies.health), observations: fmt(latencies.observations) } };
}

(async () => {
  const results = { date: new Date().toISOString(), loadSeconds: LOAD_S, neighbourSeconds: NEIGHBOUR_S, databases: {} };
  for (const kind of KINDS) {
    const db = await freshDatabase(kind);
    const out = {};
    try {
      let server;
      // CHAOS_LOAD_S=0: the noisy neighbour alone
      if (LOAD_S > 0) {
        server = await startServer(db.env);
        out.load = await sustainedLoad(server);
        await server.stop();
      }
      const limited = { ...db.env, TRUST_PROXY_HOPS: '1', RATE_LIMIT_PER_MINUTE: '600', RATE_LIMIT_ANALYSIS_PER_MINUTE: '60' };
      server = await startServer(limited);
      out.neighbourWithLimits = await noisyNeighbour(server);
      await server.stop();
      server = await startServer({ ...db.env, TRUST_PROXY_HOPS: '1' });
      out.neighbourWithoutLimits = await noisyNeighbour(server);
      await server.stop();
    } finally {
      await db.cleanup();
    }
    results.databases[kind] = out;
    console.error(`${kind}: ${JSON.stringify(out, (k, v) => (k === 'curve' ? undefined : v))}`);
  }
  mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'out', 'chaos.json'), JSON.stringify(results, null, 2));
  const lines = [
    '| database | load: requests (rps) | errors / non-2xx | p50 / p99 ms | RSS start → end (max) MiB | neighbour, limits on: health p99 / observations p99 ms | noisy client 200 / 429 | limits off: health p99 / observations p99 ms |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const [kind, r] of Object.entries(results.databases)) {
    const on = r.neighbourWithLimits;
    const off = r.neighbourWithoutLimits;
    const l = r.load;
    const load = l
      ? `${l.requests} (${l.rps}) | ${l.errors + l.timeouts} / ${l.non2xx} | ${l.latencyMs.p50} / ${l.latencyMs.p99} | ${l.rssMiB.start} → ${l.rssMiB.end} (${l.rssMiB.max})`
      : 'not run | | |';
    lines.push(
      `| ${kind} | ${load} | ${on.otherClient.health.p99} / ${on.otherClient.observations.p99} | ${on.noisyClient['200']} / ${on.noisyClient['429']} | ${off.otherClient.health.p99} / ${off.otherClient.observations.p99} |`,
    );
  }
  console.log(lines.join('\n'));
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
