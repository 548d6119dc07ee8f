import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
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
  constructor(private readonly prisma: PrismaService) {}

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
    extra: { rowsParsed?: number; warning?: string } = {},
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

  // The newest run of each source, and since when a failing source has been failing.
  async lastBySource(): Promise<
    Map<string, { last: RunView; lastSuccessAt: string | null; failingSince: string | null }>
  > {
    const sources = await this.prisma.source.findMany({ select: { id: true } });
    const out = new Map<
      string,
      { last: RunView; lastSuccessAt: string | null; failingSince: string | null }
    >();
    for (const { id } of sources) {
      const last = await this.prisma.ingestionRun.findFirst({
        where: { sourceId: id, status: { not: 'running' } },
        orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      });
      if (!last) continue;
      const lastOk = await this.prisma.ingestionRun.findFirst({
        where: { sourceId: id, status: { in: ['succeeded', 'partial'] } },
        orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      });
      let failingSince: string | null = null;
      if (last.status === 'failed') {
        const firstFail = await this.prisma.ingestionRun.findFirst({
          where: {
            sourceId: id,
            status: 'failed',
            ...(lastOk ? { startedAt: { gt: lastOk.startedAt } } : {}),
          },
          orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
        });
        failingSince = firstFail?.startedAt.toISOString() ?? null;
      }
      out.set(id, {
        last: toRunView(last),
        lastSuccessAt: lastOk?.finishedAt?.toISOString() ?? null,
        failingSince,
      });
    }
    return out;
  }
}
