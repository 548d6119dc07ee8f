// What the observation table's shape costs, measured for the design that issue 22's PostgreSQL
// target (an import at 0.8x COPY) points to: the same rows (wfp-import.cjs's shape, 20 countries x
// 150 markets x 10 commodities x months) by COPY into
//   anchor:      the bench's anchor, a table with the observation key and its value columns;
//   observation: today's table (the migrations' own), with the columns a straight import sends;
//   series:      a series table (one integer per country, commodity, market, source, price type,
//                unit and currency, its rows made first) and a narrow table keyed
//                (series_id, survey_date), with the same value and provenance columns;
// then, on what each stored, a page of 1,000 rows from the middle of a country in the order each can
// serve from its index (today's: commodity, date, market, ...; the series table's: commodity,
// market, ..., date), and one country's unchanged rows compared with what is stored (the
// re-import's work). Prints one JSON line. Each shape's tables are made fresh, in one database.
// Usage: node bench/observation-shape.cjs [pglite|postgres] [rows]   (default postgres, 990,000)
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');
const { ROOT, freshDatabase } = require('./common.cjs');
const { ISO3, MARKETS, COMMODITIES } = require('./wfp-import.cjs');

// one database, COPY from text, as each backend takes it
async function open(kind, env) {
  if (kind === 'postgres') {
    const { Client } = require('pg');
    const { from: copyFrom } = require('pg-copy-streams');
    const { finished } = require('node:stream/promises');
    const client = new Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    return {
      query: async (sql, params) => (await client.query(sql, params)).rows,
      async copy(target, text) {
        const stream = client.query(copyFrom(`COPY ${target} FROM STDIN`));
        const done = finished(stream);
        stream.end(text);
        await done;
      },
      close: () => client.end(),
    };
  }
  const { PGlite } = require('@electric-sql/pglite');
  const db = new PGlite(path.join(env.DATA_DIR, 'shape'), {
    startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'],
  });
  await db.waitReady;
  return {
    query: async (sql, params) => (params ? (await db.query(sql, params)).rows : (await db.exec(sql)).at(-1)?.rows ?? []),
    copy: async (target, text) => {
      await db.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob([text]) });
    },
    close: () => db.close(),
  };
}

const RUN = 1;
const PROVENANCE = 'file:wfp_food_prices.csv\t2026-12-04T18:00:00.000Z\twfp-hdx/1.1.0';
const marketId = (iso3, m) => `${iso3.toLowerCase()}-region-${m % 15}-market-${m}`;
const commodityId = (c) => `commodity-${c}`;
const seriesNo = (k, m, c) => k * MARKETS * COMMODITIES + m * COMMODITIES + c + 1;

// one country's rows as each shape's COPY lines (made before the clock starts)
function countryLines(k, months) {
  const iso3 = ISO3[k];
  const anchor = [];
  const wide = [];
  const narrow = [];
  for (let t = 0; t < months; t++) {
    const date = `${2000 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-15`;
    for (let m = 0; m < MARKETS; m++)
      for (let c = 0; c < COMMODITIES; c++) {
        const price = ((100 + 10 * c) * (1 + 0.002 * t) * (1 + 0.001 * m) * (1 + 0.05 * Math.sin(t + m * 0.7 + c))).toFixed(2);
        const usd = (Number(price) / 100).toFixed(4);
        anchor.push(`${iso3}\t${commodityId(c)}\t${date}\t${marketId(iso3, m)}\twfp-hdx\tretail\tKG\tXXX\t${price}\t${usd}\t${price}\tactual`);
        wide.push(`${iso3}\twfp-hdx\t${RUN}\t${marketId(iso3, m)}\t${commodityId(c)}\t${date}\t\\N\t\\N\t${price}\tKG\tretail\tXXX\t${usd}\tactual\t${price}\t${PROVENANCE}\tobserved\t\\N`);
        narrow.push(`${seriesNo(k, m, c)}\t${date}\t${price}\t${usd}\tactual\t${price}\t${PROVENANCE}\tobserved\t${RUN}`);
      }
  }
  const text = (a) => a.join('\n') + '\n';
  return { anchor: text(anchor), wide: text(wide), narrow: text(narrow) };
}

const WIDE_COLUMNS = 'country, source_id, run_id, market_id, commodity_id, survey_date, period_start, period_end, value, unit, price_type, currency, usd_value, price_flag, raw_value, source_url, fetched_at, parser_version, flag, quality_notes';
const NARROW_COLUMNS = 'series_id, survey_date, value, usd_value, price_flag, raw_value, source_url, fetched_at, parser_version, flag, run_id';

async function timed(fn) {
  const t0 = process.hrtime.bigint();
  const out = await fn();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, out };
}

async function main() {
  const kind = process.argv[2] || 'postgres';
  const rows = Number(process.argv[3] || 990_000);
  const months = Math.round(rows / ISO3.length / (MARKETS * COMMODITIES));
  const fresh = await freshDatabase(kind);
  const db = await open(kind, fresh.env);
  try {
    // the schema as the migrations make it, and the rows every shape refers to
    const dir = path.join(ROOT, 'prisma', 'migrations');
    for (const m of readdirSync(dir).filter((d) => /^\d/.test(d)).sort()) await db.query(readFileSync(path.join(dir, m, 'migration.sql'), 'utf8'));
    await db.query(`INSERT INTO source (id, name, home_url, credit) VALUES ('wfp-hdx', 'WFP', 'https://data.humdata.org', 'WFP')`);
    await db.query(`INSERT INTO ingestion_run (id, source_id, trigger) VALUES (${RUN}, 'wfp-hdx', 'cli')`);
    await db.query(`INSERT INTO country (iso3, name) SELECT unnest($1::text[]), unnest($1::text[])`, [ISO3]);
    await db.query(
      `INSERT INTO market (id, name, kind, country)
       SELECT lower(c) || '-region-' || (m % 15) || '-market-' || m, 'Market ' || m, 'city', c
       FROM unnest($1::text[]) c, generate_series(0, $2::int - 1) m`,
      [ISO3, MARKETS],
    );
    await db.query(`INSERT INTO commodity (id, name, category, default_unit) SELECT 'commodity-' || c, 'Commodity ' || c, 'food', 'KG' FROM generate_series(0, $1::int - 1) c`, [COMMODITIES]);
    await db.query(`CREATE TABLE copy_anchor (country text NOT NULL, commodity_id text NOT NULL, survey_date date NOT NULL, market_id text NOT NULL, source_id text NOT NULL, price_type text NOT NULL, unit text NOT NULL, currency text NOT NULL, value float8 NOT NULL, usd_value float8, raw_value text NOT NULL, price_flag text)`);
    await db.query('CREATE UNIQUE INDEX copy_anchor_key ON copy_anchor (country, commodity_id, survey_date, market_id, source_id, price_type, unit, currency)');
    // the series shape: a series is the key without the date; its points are keyed by the series
    // and the date, with the value, the flags and the provenance
    await db.query(`CREATE TABLE series (id int PRIMARY KEY, country text NOT NULL, source_id text NOT NULL, market_id text NOT NULL, commodity_id text NOT NULL, price_type text NOT NULL, unit text NOT NULL, currency text NOT NULL)`);
    await db.query('CREATE UNIQUE INDEX series_key ON series (country, commodity_id, market_id, source_id, price_type, unit, currency)');
    await db.query(`CREATE TABLE series_point (series_id int NOT NULL, survey_date date NOT NULL, period_start date, period_end date, value float8 NOT NULL CHECK (value > 0 AND value < 'Infinity'), usd_value float8, price_flag text, raw_value text NOT NULL, source_url text NOT NULL, fetched_at timestamptz(3) NOT NULL, parser_version text NOT NULL, flag "ObservationFlag" NOT NULL DEFAULT 'observed', quality_notes text, run_id int, created_at timestamptz(3) NOT NULL DEFAULT now(), updated_at timestamptz(3) NOT NULL DEFAULT now(), PRIMARY KEY (series_id, survey_date))`);
    const seriesLines = [];
    ISO3.forEach((iso3, k) => {
      for (let m = 0; m < MARKETS; m++) for (let c = 0; c < COMMODITIES; c++) seriesLines.push(`${seriesNo(k, m, c)}\t${iso3}\twfp-hdx\t${marketId(iso3, m)}\t${commodityId(c)}\tretail\tKG\tXXX`);
    });
    const seriesSeconds = (await timed(() => db.copy('series', seriesLines.join('\n') + '\n'))).seconds;

    const copySeconds = { anchor: 0, observation: 0, series: seriesSeconds };
    for (let k = 0; k < ISO3.length; k++) {
      const lines = countryLines(k, months);
      copySeconds.anchor += (await timed(() => db.copy('copy_anchor', lines.anchor))).seconds;
      copySeconds.observation += (await timed(() => db.copy(`observation (${WIDE_COLUMNS})`, lines.wide))).seconds;
      copySeconds.series += (await timed(() => db.copy(`series_point (${NARROW_COLUMNS})`, lines.narrow))).seconds;
    }
    await db.query('ANALYZE copy_anchor, observation, series, series_point');

    // a page of 1,000 rows after a cursor in the middle of a country, three times each (the last kept)
    const mid = ISO3[Math.floor(ISO3.length / 2)];
    const midDate = `${2000 + Math.floor(months / 24)}-${String((Math.floor(months / 2) % 12) + 1).padStart(2, '0')}-15`;
    const pageToday = () =>
      db.query(
        `SELECT survey_date, market_id, commodity_id, value FROM observation
         WHERE country = $1 AND (commodity_id, survey_date, market_id, source_id, price_type, unit, currency) > ($2, $3::date, $4, 'wfp-hdx', 'retail', 'KG', 'XXX')
         ORDER BY commodity_id, survey_date, market_id, source_id, price_type, unit, currency LIMIT 1000`,
        [mid, commodityId(5), midDate, marketId(mid, 75)],
      );
    // the series order: the series by their key's index (rows past the cursor's series), each
    // series' points by (series_id, survey_date): the cursor's own series continues after its date
    const pageSeries = () =>
      db.query(
        `SELECT p.survey_date, s.market_id, s.commodity_id, p.value
         FROM series s JOIN series_point p ON p.series_id = s.id
         WHERE s.country = $1 AND (s.commodity_id, s.market_id, s.source_id, s.price_type, s.unit, s.currency) >= ($2, $4, 'wfp-hdx', 'retail', 'KG', 'XXX')
           AND ((s.commodity_id, s.market_id, s.source_id, s.price_type, s.unit, s.currency) > ($2, $4, 'wfp-hdx', 'retail', 'KG', 'XXX') OR p.survey_date > $3::date)
         ORDER BY s.commodity_id, s.market_id, s.source_id, s.price_type, s.unit, s.currency, p.survey_date LIMIT 1000`,
        [mid, commodityId(5), midDate, marketId(mid, 75)],
      );
    let pageSeconds = {};
    for (let i = 0; i < 3; i++) {
      const a = await timed(pageToday);
      const b = await timed(pageSeries);
      if (a.out.length !== 1000 || b.out.length !== 1000) throw new Error(`a page of ${a.out.length} and ${b.out.length} rows`);
      pageSeconds = { observation: a.seconds, series: b.seconds };
    }

    // one country's rows again, unchanged, compared with what is stored (the re-import's work):
    // staged as text as the writer stages them, then the rows that differ counted
    const k = 0;
    const again = countryLines(k, months);
    await db.query(`CREATE TEMP TABLE stage (LIKE copy_anchor)`);
    const stageText = await timed(() => db.copy('stage', again.anchor));
    await db.query('ANALYZE stage'); // a temporary table has no statistics until analyzed
    const compareToday = await timed(() =>
      db.query(
        // as the writer reads it: through the key's index, restricted to the staged countries
        `SELECT count(*)::int AS n FROM stage s LEFT JOIN observation p ON p.country = ANY(ARRAY['${ISO3[k]}']) AND p.country = s.country AND p.commodity_id = s.commodity_id AND p.survey_date = s.survey_date
           AND p.market_id = s.market_id AND p.source_id = s.source_id AND p.price_type = s.price_type AND p.unit = s.unit AND p.currency = s.currency
         WHERE p.id IS NULL OR p.value <> s.value`,
      ),
    );
    const compareSeries = await timed(() =>
      db.query(
        `SELECT count(*)::int AS n FROM stage s
         JOIN series x ON x.country = s.country AND x.commodity_id = s.commodity_id AND x.market_id = s.market_id AND x.source_id = s.source_id
           AND x.price_type = s.price_type AND x.unit = s.unit AND x.currency = s.currency
         LEFT JOIN series_point p ON p.series_id = x.id AND p.survey_date = s.survey_date
         WHERE p.series_id IS NULL OR p.value <> s.value`,
      ),
    );
    // the same with the series ids resolved before staging (the writer holding the country's
    // series, a few thousand, by key): the stage is narrow and the compare a read by the points' key
    await db.query(`CREATE TEMP TABLE narrow_stage (series_id int, survey_date date, value float8, usd_value float8, price_flag text, raw_value text, source_url text, fetched_at timestamptz, parser_version text, flag text, run_id int)`);
    const stageNarrow = await timed(() => db.copy('narrow_stage', again.narrow));
    await db.query('ANALYZE narrow_stage');
    const compareById = await timed(() =>
      db.query(
        `SELECT count(*)::int AS n FROM narrow_stage s LEFT JOIN series_point p ON p.series_id = s.series_id AND p.survey_date = s.survey_date
         WHERE p.series_id IS NULL OR p.value <> s.value`,
      ),
    );
    if (compareToday.out[0].n !== 0 || compareSeries.out[0].n !== 0 || compareById.out[0].n !== 0) throw new Error('an unchanged country compared as changed');
    const [sizes] = await db.query(
      `SELECT pg_total_relation_size('copy_anchor')::float8 AS anchor, pg_total_relation_size('observation')::float8 AS observation,
              (pg_total_relation_size('series') + pg_total_relation_size('series_point'))::float8 AS series`,
    );
    const mib = (b) => Math.round(b / 2 ** 20);
    console.log(
      JSON.stringify({
        kind,
        rows: ISO3.length * MARKETS * COMMODITIES * months,
        copySeconds,
        copyVsAnchor: { observation: copySeconds.observation / copySeconds.anchor, series: copySeconds.series / copySeconds.anchor },
        pageSeconds,
        compareCountrySeconds: { observation: compareToday.seconds, seriesByKey: compareSeries.seconds, seriesById: compareById.seconds },
        stageCountrySeconds: { text: stageText.seconds, seriesIds: stageNarrow.seconds },
        storedMiB: { anchor: mib(sizes.anchor), observation: mib(sizes.observation), series: mib(sizes.series) },
      }),
    );
  } finally {
    await db.close();
    await fresh.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
