import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

// The version of the stored data that keys every cache of an answer computed from observations,
// read from small tables only: every observation write belongs to a run, which is finished after
// the write commits (so a run's end changes it); markets and subscription values change with
// imports and reference loads (a revised value adds a revision row). A row deleted by hand in SQL
// is not seen until the next run ends.
@Injectable()
export class DataVersionService {
  // answers kept until the data change, each with the version it was computed at
  private readonly held = new Map<string, { version: string; value: Promise<unknown> }>();

  constructor(private readonly prisma: PrismaService) {}

  async current(): Promise<string> {
    const [v] = await this.prisma.$queryRawUnsafe<
      { runs: number; last: string | null; markets: number; subs: number }[]
    >(
      `SELECT (SELECT count(*)::int FROM ingestion_run) AS runs,
              (SELECT max(coalesce(finished_at, started_at))::text FROM ingestion_run) AS last,
              (SELECT count(*)::int FROM market) AS markets,
              (SELECT count(*)::int FROM mobile_series_point)
                + (SELECT count(*)::int FROM mobile_series_revision) AS subs`,
    );
    return `${v.runs}@${v.last ?? ''}/${v.markets}/${v.subs}`;
  }

  // The version that keys one commodity's analysis caches: the stored data as far as runs have
  // changed them, not a count over the commodity's rows (about 100 ms per request at country scale
  // even when the answer was cached).
  async ofSeries(commodity: string, country: string): Promise<string> {
    return `${commodity}/${country}/${await this.current()}`;
  }

  // `compute()`'s answer, computed once per data version (a failed one is not kept).
  async whileUnchanged<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const version = await this.current();
    const held = this.held.get(key);
    if (held?.version === version) return held.value as Promise<T>;
    const value = compute();
    this.held.set(key, { version, value });
    value.catch(() => this.held.delete(key));
    return value;
  }
}
