// The Node side of a country-scale import alone, in a process that does nothing else: one HDX
// file of 990,000 rows (bench/wfp-import.cjs's shape) parsed by PapaParse (csvBatches), read by
// the HDX reader, made into rows with the import's provenance, and into the straight path's COPY
// lines (one Buffer per 5,000-row batch, the last three kept as the import's queue does). No
// database. Against `importCpuSeconds` of bench/wfp-import.cjs it shows what the same work costs
// inside an import.
// Usage: node bench/import-pipeline.cjs [csv|read|rows|lines]   (default lines: every stage)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT } = require('./common.cjs');
const { writeCountryFile } = require('./wfp-import.cjs');
const { csvBatches } = require(path.join(ROOT, 'dist', 'common', 'csv-batches.js'));
const { WFP_HDX_IMPORTER } = require(path.join(ROOT, 'dist', 'sources', 'wfp-hdx', 'wfp-hdx.importer.js'));
const { copyText: t, copyNumber } = require(path.join(ROOT, 'dist', 'database', 'bulk-transaction.js'));

const STAGES = ['csv', 'read', 'rows', 'lines'];

async function main() {
  const upTo = STAGES.indexOf(process.argv[2] || 'lines');
  if (upTo < 0) throw new Error(`stage: one of ${STAGES.join(', ')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-pipeline-'));
  try {
    const file = writeCountryFile(dir, 'COL', 660); // 660 months x 150 markets x 10 commodities
    const fetchedAt = new Date();
    const ids = new Map();
    let batch = [];
    const held = [];
    let header;
    let reader;
    let rows = 0;
    const lines = (b) => {
      let out = '';
      const fetchedIso = fetchedAt.toISOString();
      for (const r of b) {
        const k = `${r.country}\u0000${r.marketId}\u0000${r.commodityId}\u0000${r.priceType}\u0000${r.unit}\u0000${r.currency}`;
        let id = ids.get(k);
        if (id === undefined) ids.set(k, (id = ids.size + 1));
        out += `${id}\t${r.surveyDate}\t${t(r.periodStart)}\t${t(r.periodEnd)}\t${copyNumber(r.value)}\t${copyNumber(r.usdValue)}\t${t(r.priceFlag)}\t${t(r.rawValue)}\t${t(r.sourceUrl)}\t${fetchedIso}\t${t(r.parserVersion)}\t${r.flag}\t${t(r.qualityNotes)}\t1\n`;
      }
      return Buffer.from(out);
    };
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    for await (const chunk of csvBatches(fs.createReadStream(file))) {
      for (const fields of chunk.rows) {
        if (!header) {
          header = fields.map((h) => h.trim().toLowerCase());
          reader = WFP_HDX_IMPORTER.reader(header, undefined, { fileName: path.basename(file) });
          continue;
        }
        rows++;
        if (upTo < 1) continue;
        const verdict = reader.read(fields);
        if (upTo < 2 || !verdict.row) continue;
        const r = verdict.row;
        r.sourceUrl = `file:${path.basename(file)}`;
        r.fetchedAt = fetchedAt;
        r.parserVersion = WFP_HDX_IMPORTER.parserVersion;
        batch.push(r);
        if (batch.length < 5000) continue;
        held.push(upTo < 3 ? batch : lines(batch));
        if (held.length > 3) held.shift();
        batch = [];
      }
    }
    const cpu = process.cpuUsage(cpu0);
    console.log(
      JSON.stringify({
        stage: STAGES[upTo],
        rows,
        seconds: Number(process.hrtime.bigint() - t0) / 1e9,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
      }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
