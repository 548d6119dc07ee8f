// One client hammers the most expensive area request the API allows with the shipped data (a
// country-sized polygon over every tower, a different polygon each time so the cache never helps,
// two requests outstanding); meanwhile another client measures /api/health and /api/observations.
// Prints one JSON line: the other client's p50/p99 with and without the hammering.
// Usage: node bench/geometry-load.cjs [pglite|postgres]   (BENCH_DURATION_S, default 10)
const autocannon = require('autocannon');
const { freshDatabase, startServer } = require('./common.cjs');

const DURATION = Number(process.env.BENCH_DURATION_S || 10);

const country = (i) => {
  const d = i * 1e-4; // a new polygon every request: no cache hit
  return {
    type: 'Feature',
    properties: {},
    geometry: {
      type: 'Polygon',
      coordinates: [[[124.2 + d, 37.7], [130.7, 37.7 + d], [130.7, 43.0], [124.2, 43.0], [124.2 + d, 37.7]]],
    },
  };
};

async function probe(url) {
  const r = await autocannon({ url, connections: 1, duration: DURATION });
  return { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, requests: r.requests.total, errors: r.errors, non2xx: r.non2xx };
}

async function main() {
  const kind = process.argv[2] || 'pglite';
  const db = await freshDatabase(kind);
  const server = await startServer(db.env);
  try {
    const health = `${server.url}/api/health`;
    const obs = `${server.url}/api/observations?commodity=rice&limit=500`;
    await (await fetch(obs)).json();
    const quiet = { health: await probe(health), observations: await probe(obs) };

    let stop = false;
    let i = 0;
    const geometry = { ok: 0, busy: 0, other: 0, ms: [] };
    const hammer = async () => {
      while (!stop) {
        const t0 = Date.now();
        const res = await fetch(`${server.url}/api/coverage/area-share`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(country(++i)),
        });
        await res.arrayBuffer();
        if (res.status === 200) (geometry.ok++, geometry.ms.push(Date.now() - t0));
        else if (res.status === 503) geometry.busy++;
        else geometry.other++;
      }
    };
    const hammering = [hammer(), hammer()];
    await new Promise((r) => setTimeout(r, 500));
    const loaded = { health: await probe(health), observations: await probe(obs) };
    stop = true;
    await Promise.all(hammering);
    geometry.ms.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        kind,
        durationS: DURATION,
        quiet,
        loaded,
        geometry: {
          completed: geometry.ok,
          busy503: geometry.busy,
          other: geometry.other,
          medianMs: geometry.ms[Math.floor(geometry.ms.length / 2)] ?? null,
        },
      }),
    );
  } finally {
    await server.stop();
    await db.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
