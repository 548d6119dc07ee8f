import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { SOURCE_PREFERENCE } from '../sources/source-registry';

export interface ObservationFilter {
  country?: string; // ISO 3166-1 alpha-3
  units?: string[];
  priceTypes?: string[];
  commodities?: string[];
  markets?: string[];
  sources?: string[];
  from?: string;
  to?: string;
}

export interface ObservationRow {
  date: string;
  periodEnd: string | null;
  country: string;
  market: string;
  commodity: string;
  priceType: string;
  value: number;
  unit: string;
  currency: string;
  usdValue: number | null;
  source: string;
  flag: string;
  priceFlag: string | null; // the publisher's own flag word (WFP: actual, aggregate, forecast)
  rawValue: string; // the text the value was read from
}

// The observation key's order: a page's last row, to continue after.
export interface PageCursor {
  date: string;
  market: string;
  commodity: string;
  source: string;
  priceType: string;
  unit: string;
}

export interface SeriesPoint {
  date: string;
  market: string;
  value: number;
  source: string;
}

export class UnknownIdError extends Error {
  constructor(
    readonly parameter: string,
    readonly unknown: string[],
    readonly known: string[],
  ) {
    super(
      `${parameter}: unknown id${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${known.join(', ')})`,
    );
  }
}

// The only reader of observations.
@Injectable()
export class PricesService {
  // Answers that count every observation (per country, per source), kept until the data change.
  private readonly counted = new Map<string, { version: string; value: Promise<unknown> }>();

  constructor(private readonly prisma: PrismaService) {}

  // A version of what those counts depend on, read from small tables only: every observation
  // write belongs to a run, which is finished after the write commits (so a run's end changes
  // it); markets and subscription values change with imports and reference loads. A row deleted
  // by hand in SQL is not seen until the next run ends.
  private async countsVersion(): Promise<string> {
    const [v] = await this.prisma.$queryRawUnsafe<
      { runs: number; last: string | null; markets: number; subs: number }[]
    >(
      `SELECT (SELECT count(*)::int FROM ingestion_run) AS runs,
              (SELECT max(coalesce(finished_at, started_at))::text FROM ingestion_run) AS last,
              (SELECT count(*)::int FROM market) AS markets,
              (SELECT count(*)::int FROM mobile_series_point) AS subs`,
    );
    return `${v.runs}@${v.last ?? ''}/${v.markets}/${v.subs}`;
  }

  private async whileUnchanged<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const version = await this.countsVersion();
    const held = this.counted.get(key);
    if (held?.version === version) return held.value as Promise<T>;
    const value = compute();
    this.counted.set(key, { version, value });
    value.catch(() => this.counted.delete(key));
    return value;
  }

  // Observations per source (a full count at country scale: kept until the data change).
  observationsBySource(): Promise<Map<string, number>> {
    return this.whileUnchanged('by-source', async () => {
      const rows = await this.prisma.$queryRawUnsafe<{ source: string; n: number }[]>(
        'SELECT source_id AS source, count(*)::int AS n FROM observation GROUP BY source_id',
      );
      return new Map(rows.map((r) => [r.source, r.n]));
    });
  }

  listMarkets(country?: string) {
    return this.prisma.market.findMany({
      where: country ? { country } : {},
      orderBy: { id: 'asc' },
    });
  }

  // Every country with its numbers: observations, markets, commodities, and the date range.
  async listCountries(): Promise<
    {
      iso3: string;
      name: string;
      observations: number;
      markets: number;
      commodities: number;
      from: string | null;
      to: string | null;
      subscriptionYears: number;
    }[]
  > {
    return this.whileUnchanged('countries', () =>
      this.prisma.$queryRawUnsafe(
        `SELECT c.iso3, c.name, count(o.id)::int AS observations,
              (SELECT count(*)::int FROM mobile_series_point p
                WHERE p.country = c.iso3 AND p.series = 'itu_subscriptions_per_100') AS "subscriptionYears",
              (SELECT count(*)::int FROM market m WHERE m.country = c.iso3) AS markets,
              count(DISTINCT o.commodity_id)::int AS commodities,
              to_char(min(o.survey_date), 'YYYY-MM-DD') AS "from", to_char(max(o.survey_date), 'YYYY-MM-DD') AS "to"
       FROM country c LEFT JOIN observation o ON o.country = c.iso3
       GROUP BY c.iso3, c.name ORDER BY c.iso3`,
      ),
    );
  }

  // The (unit, price type) series of every commodity in a country.
  async seriesByCommodity(
    country: string,
  ): Promise<Map<string, { unit: string; priceType: string; observations: number }[]>> {
    return this.whileUnchanged(`series:${country}`, () => this.readSeries(country));
  }

  private async readSeries(
    country: string,
  ): Promise<Map<string, { unit: string; priceType: string; observations: number }[]>> {
    const rows = await this.prisma.$queryRawUnsafe<
      { commodity: string; unit: string; priceType: string; observations: number }[]
    >(
      `SELECT commodity_id AS commodity, unit, price_type AS "priceType", count(*)::int AS observations
       FROM observation WHERE country = $1 GROUP BY commodity_id, unit, price_type
       ORDER BY commodity_id, count(*) DESC, unit, price_type`,
      country,
    );
    const out = new Map<string, { unit: string; priceType: string; observations: number }[]>();
    for (const r of rows)
      out.set(r.commodity, [
        ...(out.get(r.commodity) ?? []),
        { unit: r.unit, priceType: r.priceType, observations: r.observations },
      ]);
    return out;
  }

  // The currencies of one series, most observations first (a label's "KES/kg"); kept until the
  // data change, as every report asks.
  seriesCurrencies(
    commodity: string,
    country: string,
    unit?: string,
    priceType?: string,
  ): Promise<string[]> {
    return this.whileUnchanged(
      `currencies:${JSON.stringify([commodity, country, unit, priceType])}`,
      () => this.readCurrencies(commodity, country, unit, priceType),
    );
  }

  private async readCurrencies(
    commodity: string,
    country: string,
    unit?: string,
    priceType?: string,
  ): Promise<string[]> {
    const params: unknown[] = [];
    const where = this.where(
      {
        country,
        commodities: [commodity],
        units: unit ? [unit] : undefined,
        priceTypes: priceType ? [priceType] : undefined,
      },
      params,
    );
    const rows = await this.prisma.$queryRawUnsafe<{ currency: string }[]>(
      `SELECT currency FROM observation WHERE ${where} GROUP BY currency ORDER BY count(*) DESC, currency`,
      ...params,
    );
    return rows.map((r) => r.currency);
  }

  // The credit line of each source, to show wherever its numbers are shown.
  async sourceCredits(ids: string[]): Promise<{ source: string; credit: string }[]> {
    const rows = await this.prisma.source.findMany({
      where: { id: { in: ids } },
      select: { id: true, credit: true },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => ({ source: r.id, credit: r.credit }));
  }

  listCommodities() {
    return this.prisma.commodity.findMany({ orderBy: { id: 'asc' } });
  }

  // Known ids per table, kept for a minute: reference tables change only when the shipped files do.
  private readonly knownIds = new Map<string, { at: number; ids: string[] }>();

  private async idsOf(table: 'market' | 'commodity' | 'source' | 'country'): Promise<string[]> {
    const hit = this.knownIds.get(table);
    if (hit && Date.now() - hit.at < 60_000) return hit.ids;
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      table === 'country'
        ? 'SELECT iso3 AS id FROM country ORDER BY iso3'
        : `SELECT id FROM ${table} ORDER BY id`,
    );
    const ids = rows.map((r) => r.id);
    this.knownIds.set(table, { at: Date.now(), ids });
    return ids;
  }

  // Throws UnknownIdError naming the query parameter when an id is not in the table.
  async assertKnown(
    parameter: string,
    table: 'market' | 'commodity' | 'source' | 'country',
    ids: string[] | undefined,
  ): Promise<void> {
    if (!ids?.length) return;
    let known = await this.idsOf(table);
    if (ids.some((id) => !known.includes(id))) {
      this.knownIds.delete(table); // maybe added since: look again before refusing
      known = await this.idsOf(table);
    }
    const unknown = ids.filter((id) => !known.includes(id));
    if (unknown.length) throw new UnknownIdError(parameter, unknown, known);
  }

  // A commodity's (unit, price type) series in a country, most observations first (from the series
  // list kept until the data change: every analysis request asks).
  async seriesChoices(
    commodity: string,
    country: string,
  ): Promise<{ unit: string; priceType: string; observations: number }[]> {
    return (await this.seriesByCommodity(country)).get(commodity) ?? [];
  }

  // WHERE clause and parameters for a filter; $1.. numbered from `offset`.
  private where(f: ObservationFilter, params: unknown[]): string {
    const clauses: string[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      clauses.push(sql(`$${params.length}`));
    };
    // one value: an equality, which the key index can seek on (PostgreSQL 15 reads `= ANY(...)`
    // on its second column as a filter over the whole country: a page of a country's last
    // commodity took 300 ms at 3,000,000 rows, bench/country-scale.cjs)
    const oneOf = (column: string, values: string[] | undefined) => {
      if (!values?.length) return;
      if (values.length === 1) add((p) => `${column} = ${p}`, values[0]);
      else add((p) => `${column} = ANY(${p}::text[])`, values);
    };
    if (f.country) add((p) => `country = ${p}`, f.country);
    oneOf('unit', f.units);
    oneOf('price_type', f.priceTypes);
    oneOf('commodity_id', f.commodities);
    oneOf('market_id', f.markets);
    oneOf('source_id', f.sources);
    if (f.from) add((p) => `survey_date >= ${p}::date`, f.from);
    if (f.to) add((p) => `survey_date <= ${p}::date`, f.to);
    return clauses.length ? clauses.join(' AND ') : 'TRUE';
  }

  // One page in the order (commodity, date, market, source, price type, unit) within the country:
  // the observation key's index order, so a page is a range read of that index, a cursor is the
  // last row's key, and pages never skip or repeat rows while data is added.
  async page(
    f: ObservationFilter,
    limit: number,
    after?: PageCursor,
  ): Promise<{ rows: ObservationRow[]; next?: PageCursor }> {
    const params: unknown[] = [];
    let where = this.where(f, params);
    if (after) {
      params.push(
        after.commodity,
        after.date,
        after.market,
        after.source,
        after.priceType,
        after.unit,
      );
      const n = params.length;
      where += ` AND (commodity_id, survey_date, market_id, source_id, price_type, unit) > ($${n - 5}, $${n - 4}::date, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
    }
    params.push(limit + 1);
    const found = await this.prisma.$queryRawUnsafe<ObservationRow[]>(
      `SELECT to_char(survey_date, 'YYYY-MM-DD') AS date, to_char(period_end, 'YYYY-MM-DD') AS "periodEnd",
              country, market_id AS market, commodity_id AS commodity, price_type AS "priceType", value,
              unit, currency, usd_value AS "usdValue", source_id AS source, flag::text AS flag,
              price_flag AS "priceFlag", raw_value AS "rawValue"
       FROM observation WHERE ${where}
       ORDER BY commodity_id, survey_date, market_id, source_id, price_type, unit
       LIMIT $${params.length}::int`,
      ...params,
    );
    const rows = found.slice(0, limit);
    const last = rows[rows.length - 1];
    const next =
      found.length > limit && last
        ? {
            date: last.date,
            market: last.market,
            commodity: last.commodity,
            source: last.source,
            priceType: last.priceType,
            unit: last.unit,
          }
        : undefined;
    return { rows, next };
  }

  // Every page in turn, for exports: memory stays one page whatever the size of the result.
  async *iterate(
    f: ObservationFilter,
    pageSize = 5000,
    max = Infinity,
  ): AsyncGenerator<ObservationRow[]> {
    let after: PageCursor | undefined;
    let left = max;
    while (left > 0) {
      const { rows, next } = await this.page(f, Math.min(pageSize, left), after);
      if (rows.length) yield rows;
      left -= rows.length;
      if (!next) return;
      after = next;
    }
  }

  // One value per (market, date) for a commodity: the given source's, or else the most preferred
  // source's (SOURCE_PREFERENCE; sources not listed come after, by id). Without a market list,
  // only markets of kind city.
  async series(
    commodity: string,
    opts: {
      markets?: string[];
      from?: string;
      to?: string;
      source?: string;
      country?: string;
      unit?: string;
      priceType?: string;
    },
  ): Promise<SeriesPoint[]> {
    const params: unknown[] = [];
    const where = this.where(
      {
        country: opts.country,
        units: opts.unit ? [opts.unit] : undefined,
        priceTypes: opts.priceType ? [opts.priceType] : undefined,
        commodities: [commodity],
        markets: opts.markets,
        sources: opts.source ? [opts.source] : undefined,
        from: opts.from,
        to: opts.to,
      },
      params,
    );
    // sources in their declared order of preference (each source's `preference`): the analysis
    // uses the first one that has the value; the raw observations of every source stay queryable
    params.push([...SOURCE_PREFERENCE]);
    // without a market list, cities only: a regional average is not a market to pair with a city
    const cities = opts.markets?.length
      ? ''
      : ` AND market_id IN (SELECT id FROM market WHERE kind = 'city')`;
    const rows = await this.prisma.$queryRawUnsafe<SeriesPoint[]>(
      `SELECT DISTINCT ON (survey_date, market_id)
              to_char(survey_date, 'YYYY-MM-DD') AS date, market_id AS market, value, source_id AS source
       FROM observation WHERE ${where}${cities}
       ORDER BY survey_date, market_id,
                coalesce(array_position($${params.length}::text[], source_id), 2147483647), source_id`,
      ...params,
    );
    // The analysis keeps these points (PanelService holds up to 2,000,000): one string per distinct
    // date, market and source instead of three new strings per row from the driver, and a small
    // object of one shape per point.
    const strings = new Map<string, string>();
    const intern = (v: string): string => {
      const hit = strings.get(v);
      if (hit !== undefined) return hit;
      strings.set(v, v);
      return v;
    };
    return rows.map((r) => ({
      date: intern(r.date),
      market: intern(r.market),
      value: r.value,
      source: intern(r.source),
    }));
  }

  // The version that keys every analysis cache: the stored data as far as runs have changed them
  // (countsVersion, read from small tables), not a count over the commodity's rows, which cost about
  // 100 ms per request at country scale even when the answer was cached.
  async dataVersion(commodity: string, country: string): Promise<string> {
    return `${commodity}/${country}/${await this.countsVersion()}`;
  }

  // Row counts of the stored data in one statement (health asks on every poll; one query waits in
  // line once, where five would wait five times behind other clients' queries).
  async counts(): Promise<{
    observations: number;
    revisions: number;
    markets: number;
    commodities: number;
    sources: number;
    mobileSeriesPoints: number;
  }> {
    const [row] = await this.prisma.$queryRawUnsafe<
      {
        observations: number;
        revisions: number;
        markets: number;
        commodities: number;
        sources: number;
        mobileSeriesPoints: number;
      }[]
    >(
      `SELECT (SELECT count(*)::int FROM observation) AS observations,
              (SELECT count(*)::int FROM observation_revision) AS revisions,
              (SELECT count(*)::int FROM market) AS markets,
              (SELECT count(*)::int FROM commodity) AS commodities,
              (SELECT count(*)::int FROM source) AS sources,
              (SELECT count(*)::int FROM mobile_series_point) AS "mobileSeriesPoints"`,
    );
    return row;
  }
}
