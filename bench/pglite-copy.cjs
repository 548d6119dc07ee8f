// PGlite's own work in a country-scale first import, alone: 990,000 points COPYed in 5,000-row
// statements (COPY ... FROM '/dev/blob', twenty transactions of ten) into a table shaped like
// series_point (its id from a sequence, the key's unique index, the CHECK, and the statement
// trigger that checks the series and the run over the transition table). Against a PGlite
// import's time (bench/wfp-import.cjs pglite) it shows what is PGlite's and what is the rest.
// Usage: node bench/pglite-copy.cjs [settings] [notrigger]
//   settings: space-separated name=value given to PGlite at start (e.g. "full_page_writes=off")
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { PGlite } = require('@electric-sql/pglite');

async function main() {
  const settings = (process.argv[2] || '').split(' ').filter(Boolean).flatMap((x) => ['-c', x]);
  const trigger = process.argv[3] !== 'notrigger';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-copy-'));
  const db = new PGlite(dir, { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=64MB', ...settings] });
  try {
    await db.waitReady;
    await db.exec(`
      CREATE SEQUENCE point_id; CREATE TABLE ser (id serial PRIMARY KEY);
      INSERT INTO ser SELECT FROM generate_series(1, 30000);
      CREATE FUNCTION check_refs() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE missing text; BEGIN
        SELECT coalesce(
          (SELECT 'series ' || r.series_id FROM (SELECT DISTINCT series_id FROM new_rows) r
            WHERE NOT EXISTS (SELECT 1 FROM ser t WHERE t.id = r.series_id) LIMIT 1),
          (SELECT 'run ' || r.run_id FROM (SELECT DISTINCT run_id FROM new_rows WHERE run_id IS NOT NULL) r
            WHERE NOT EXISTS (SELECT 1 FROM ser t WHERE t.id = r.run_id) LIMIT 1)) INTO missing;
        IF missing IS NOT NULL THEN RAISE EXCEPTION 'missing %', missing; END IF;
        RETURN NULL; END $$;
      CREATE TABLE point (id bigint NOT NULL DEFAULT nextval('point_id') PRIMARY KEY,
        series_id int NOT NULL, survey_date date NOT NULL, value float8 NOT NULL, usd_value float8,
        price_flag text, raw_value text NOT NULL, source_url text NOT NULL,
        fetched_at timestamptz(3) NOT NULL, parser_version text NOT NULL, run_id int,
        created_at timestamptz(3) NOT NULL DEFAULT current_timestamp,
        updated_at timestamptz(3) NOT NULL DEFAULT current_timestamp,
        CHECK (value > 0 AND value < 'Infinity'));
      CREATE UNIQUE INDEX point_key ON point (series_id, survey_date);
      ${trigger ? 'CREATE TRIGGER point_refs AFTER INSERT ON point REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_refs();' : ''}`);
    const fetched = new Date().toISOString();
    let ms = 0;
    for (let file = 0; file < 20; file++)
      await db.transaction(async (tx) => {
        for (let b = 0; b < 10; b++) {
          let lines = '';
          for (let i = 0; i < 4950; i++) {
            const g = file * 49500 + b * 4950 + i;
            const month = Math.floor(g / 1500);
            const price = `${100 + (g % 97)}.25`;
            lines += `${(g % 1500) + 1 + file * 1500}\t${2000 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-15\t${price}\t1.5\tactual\t${price}\tfile:wfp_food_prices_col.csv\t${fetched}\twfp-hdx/1.1.0\t1\n`;
          }
          const t0 = process.hrtime.bigint();
          await tx.query(
            `COPY point (series_id, survey_date, value, usd_value, price_flag, raw_value, source_url, fetched_at, parser_version, run_id) FROM '/dev/blob'`,
            [],
            { blob: new Blob([lines]) },
          );
          ms += Number(process.hrtime.bigint() - t0) / 1e6;
        }
      });
    console.log(JSON.stringify({ settings: process.argv[2] || '', trigger, rows: 990000, copySeconds: ms / 1000, rowsPerSecond: 990000 / (ms / 1000) }));
  } finally {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
