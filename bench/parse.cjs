// Parse throughput per adapter: each saved page (the shipped sheet archive, the made-up fixtures)
// parsed repeatedly for about a second. Prints one JSON line per adapter.
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./common.cjs');
const { loadConfig } = require(path.join(ROOT, 'dist', 'config', 'app-config.js'));
const { createSources } = require(path.join(ROOT, 'dist', 'sources', 'source-registry.js'));

const cities = readFileSync(path.join(ROOT, 'data', 'reference', 'nk-cities.csv'), 'utf8').trim().split('\n').slice(1).map((l) => {
  const [id, name, nameKo] = l.split(',');
  return { id, name, nameKo };
});
const fx = (...p) => path.join(ROOT, 'test', 'fixtures', 'sources', ...p);
const pages = {
  'dailynk-sheet': [[path.join(ROOT, 'data', 'archive', 'dailynk-sheet', 'rice.csv'), 'rice'], [path.join(ROOT, 'data', 'archive', 'dailynk-sheet', 'rate.csv'), 'rate']],
  'dailynk-ko': [[fx('dailynk-ko', 'market-table.html'), 'market-table']],
  'dailynk-en': [[fx('dailynk-en', 'article-prose.html'), 'article:/x/'], [fx('dailynk-en', 'article-table.html'), 'article:/y/']],
  'asiapress-ko': [[fx('asiapress-ko', 'price-table.html'), 'price-table']],
  'asiapress-en': [[fx('asiapress-en', 'posts.json'), 'posts']],
};
const sources = createSources(loadConfig({}));
for (const s of sources) {
  const docs = pages[s.meta.id].map(([file, label]) => ({ url: 'https://example.org/', label, body: readFileSync(file), fetchedAt: new Date(), provenance: 'live' }));
  const bytes = docs.reduce((a, d) => a + d.body.length, 0);
  let n = 0;
  let rows = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 1000) {
    for (const d of docs) rows += s.parse(d, { markets: cities }).observations.length;
    n += docs.length;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  console.log(JSON.stringify({ source: s.meta.id, pagesPerSecond: n / (elapsed / 1000), mbPerSecond: (bytes * (n / docs.length)) / 1e6 / (elapsed / 1000), bytesPerPage: Math.round(bytes / docs.length), rowsPerPage: rows / n }));
}
