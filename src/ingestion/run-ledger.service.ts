import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { RunEvents } from '../common/run-events';
import type { IngestionRun } from '../generated/prisma/client';
import { RunStatus, RunTrigger } from '../generated/prisma/enums';

export interface RunView {
  id: number;
  source: string;
  trigger: RunTrigger;
  mode: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  rowsInserted: number;
  rowsUpdated: number;
  rowsUnchanged: number;
  rowsRejected: number;
  rowsParsed: number;
  warning: string | null;
  errorKind: string | null;
  errorMessage: string | null;
}

export const toRunView = (r: IngestionRun): RunView => ({
  id: r.id,
  source: r.sourceId,
  trigger: r.trigger,
  mode: r.mode,
  status: r.status,
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
  rowsInserted: r.rowsInserted,
  rowsUpdated: r.rowsUpdated,
  rowsUnchanged: r.rowsUnchanged,
  rowsRejected: r.rowsRejected,
  rowsParsed: r.rowsParsed,
  warning: r.warning,
  errorKind: r.errorKind,
  errorMessage: r.errorMessage,
});

// The run ledger: one row per ingestion run, opened when it starts and closed with its counts or error.
@Injectable()
export class RunLedgerService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly events: RunEvents,
  ) {}

  async start(
    sourceId: string,
    trigger: RunTrigger,
    mode: string,
    holder?: string,
  ): Promise<number> {
    const run = await this.prisma.ingestionRun.create({
      data: { sourceId, trigger, mode, holder: holder ?? null },
    });
    return run.id;
  }

  // Runs left 'running' by a process that died: a run is alive only while its holder holds its
  // source's lease (taken before the run starts, renewed while it runs, released after it ends), so
  // a running run without that live lease is abandoned. Its write was one transaction that never
  // committed, so it wrote nothing.
  async abandonOrphans(sourceId?: string): Promise<number> {
    return this.prisma.$executeRawUnsafe(
      `UPDATE ingestion_run r SET status = 'abandoned', finished_at = now(), error_kind = 'abandoned',
         error_message = 'the process running it (' || coalesce(r.holder, 'unknown') || ') stopped before it finished (killed, crashed or lost power); nothing of it was written'
       WHERE r.status = 'running' AND ($1::text IS NULL OR r.source_id = $1)
         AND NOT EXISTS (SELECT 1 FROM source_lease l
                         WHERE l.source_id = r.source_id AND l.holder = r.holder AND l.expires_at > now())`,
      sourceId ?? null,
    );
  }

  async finish(
    id: number,
    status: RunStatus,
    counts: { inserted: number; updated: number; unchanged: number; rejected: number },
    error?: { kind: string; message: string },
    extra: { rowsParsed?: number; warning?: string; countries?: string[] } = {},
  ): Promise<RunView> {
    const run = await this.prisma.ingestionRun.update({
      where: { id },
      data: {
        status,
        finishedAt: new Date(),
        rowsInserted: counts.inserted,
        rowsUpdated: counts.updated,
        rowsUnchanged: counts.unchanged,
        rowsRejected: counts.rejected,
        rowsParsed: extra.rowsParsed ?? 0,
        warning: extra.warning ?? null,
        errorKind: error?.kind ?? null,
        errorMessage: error?.message.slice(0, 4000) ?? null,
      },
    });
    this.events.finished({
      id: run.id,
      sourceId: run.sourceId,
      status: run.status,
      rowsInserted: run.rowsInserted,
      rowsUpdated: run.rowsUpdated,
      countries: extra.countries,
    });
    return toRunView(run);
  }

  // Refused rows with their reasons (file imports keep the first 1,000).
  async saveRejections(id: number, rejections: { row: number; reason: string }[]): Promise<void> {
    await this.prisma.ingestionRun.update({ where: { id }, data: { rejections } });
  }

  // undefined: no such run; null: the run kept no rejections
  async rejectionsOf(id: number): Promise<{ row: number; reason: string }[] | null | undefined> {
    const run = await this.prisma.ingestionRun.findUnique({
      where: { id },
      select: { rejections: true },
    });
    if (!run) return undefined;
    return run.rejections as { row: number; reason: string }[] | null;
  }

  async list(opts: { source?: string; limit: number }): Promise<RunView[]> {
    const runs = await this.prisma.ingestionRun.findMany({
      where: opts.source ? { sourceId: opts.source } : {},
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: opts.limit,
    });
    return runs.map(toRunView);
  }

  // The newest finished run of each source, its last success, and since when a failing source has
  // been failing: one query whatever the number of sources (health and the source list ask on every
  // request; under load, a query per source waited in line behind everyone else's).
  async lastBySource(): Promise<
    Map<string, { last: RunView; lastSuccessAt: string | null; failingSince: string | null }>
  > {
    const rows = await this.prisma.$queryRawUnsafe<
      (IngestionRun & { lastSuccessAt: Date | null; failingSince: Date | null })[]
    >(
      `WITH last_ok AS (
         SELECT DISTINCT ON (source_id) source_id, started_at, finished_at FROM ingestion_run
         WHERE status IN ('succeeded', 'partial') ORDER BY source_id, started_at DESC, id DESC),
       last AS (
         SELECT DISTINCT ON (source_id) * FROM ingestion_run
         WHERE status <> 'running' ORDER BY source_id, started_at DESC, id DESC),
       failing AS (
         SELECT f.source_id, min(f.started_at) AS since
         FROM ingestion_run f LEFT JOIN last_ok o USING (source_id)
         WHERE f.status = 'failed' AND (o.started_at IS NULL OR f.started_at > o.started_at)
         GROUP BY f.source_id)
       SELECT last.id, last.source_id AS "sourceId", last.trigger::text AS trigger, last.mode,
              last.status::text AS status, last.started_at AS "startedAt",
              last.finished_at AS "finishedAt", last.rows_inserted AS "rowsInserted",
              last.rows_updated AS "rowsUpdated", last.rows_unchanged AS "rowsUnchanged",
              last.rows_rejected AS "rowsRejected", last.rows_parsed AS "rowsParsed", last.warning,
              last.error_kind AS "errorKind", last.error_message AS "errorMessage",
              last_ok.finished_at AS "lastSuccessAt", failing.since AS "failingSince"
       FROM last LEFT JOIN last_ok USING (source_id) LEFT JOIN failing USING (source_id)
       ORDER BY last.source_id`,
    );
    return new Map(
      rows.map((r) => [
        r.sourceId,
        {
          last: toRunView(r),
          lastSuccessAt: r.lastSuccessAt?.toISOString() ?? null,
          failingSince: r.status === 'failed' ? (r.failingSince?.toISOString() ?? null) : null,
        },
      ]),
    );
  }
}
