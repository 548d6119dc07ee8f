// Start-up only, repeated: `node dist/main.js` on an empty PGlite data folder and again on the same
// folder, to first answered request. Usage: node bench/starts.cjs [runs] [npm]
const { startServer, freshDatabase } = require('./common.cjs');

(async () => {
  const runs = Number(process.argv[2] || 5);
  const command = process.argv[3] === 'npm' ? ['npm', ['start', '--silent']] : undefined;
  const empty = [];
  const existing = [];
  for (let i = 0; i < runs; i++) {
    const db = await freshDatabase('pglite');
    const a = await startServer(db.env, command);
    await a.stop();
    const b = await startServer(db.env, command);
    await b.stop();
    await db.cleanup();
    empty.push(a.startMs);
    existing.push(b.startMs);
  }
  const med = (v) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
  console.log(JSON.stringify({ runs, command: command ? 'npm start' : 'node dist/main.js', emptyMs: empty.map(Math.round), existingMs: existing.map(Math.round), emptyMedianMs: Math.round(med(empty)), existingMedianMs: Math.round(med(existing)) }));
})();
