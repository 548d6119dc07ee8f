import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PrismaService } from '../database/prisma.service';
import type { SqlTx } from '../database/sql-tx';
import { SourceError } from '../sources/source.error';
import { instanceHost, isDeadLocalHolder, newHolder } from '../common/process-holder';

export class LeaseLostError extends SourceError {
  constructor(sourceId: string) {
    super(
      'lease_held',
      `the lease of ${sourceId} was taken over by another instance before this run could commit; nothing was written`,
    );
  }
}

// One lease row per source: taken with a single atomic upsert (a live lease of another holder is
// never overwritten; an expired one is), renewed by a heartbeat while the run is alive, released by
// its holder. A crashed holder's lease is free once it expires (LEASE_TTL_MS, a minute by default),
// or at once when the holder was a process on this host that no longer exists. The same SQL works
// on PGlite and on a PostgreSQL server shared by several replicas.
@Injectable()
export class SourceLeaseService implements OnApplicationShutdown {
  readonly host: string;
  readonly holder: string;
  private readonly ttlMs: number;
  private readonly heartbeats = new Map<string, NodeJS.Timeout>();
  private readonly logger = new Logger('Lease');

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.host = instanceHost(config);
    this.holder = newHolder(this.host);
    this.ttlMs = config.leaseTtlMs;
  }

  isDeadHolder(holder: string): boolean {
    return isDeadLocalHolder(holder, this.host);
  }

  async acquire(sourceId: string): Promise<boolean> {
    if (await this.tryTake(sourceId)) return this.startHeartbeat(sourceId);
    const current = await this.current(sourceId);
    if (!current || !this.isDeadHolder(current.holder)) return false;
    // its holder is a dead process of this host: free the lease (only if it is still that one's)
    await this.prisma.$executeRawUnsafe(
      'DELETE FROM source_lease WHERE source_id = $1 AND holder = $2',
      sourceId,
      current.holder,
    );
    return (await this.tryTake(sourceId)) && this.startHeartbeat(sourceId);
  }

  private async tryTake(sourceId: string): Promise<boolean> {
    const rows = await this.prisma.$queryRawUnsafe<{ holder: string }[]>(
      `INSERT INTO source_lease (source_id, holder, acquired_at, expires_at, heartbeat_at)
       VALUES ($1, $2, now(), now() + ($3::int * interval '1 millisecond'), now())
       ON CONFLICT (source_id) DO UPDATE
         SET holder = EXCLUDED.holder, acquired_at = EXCLUDED.acquired_at,
             expires_at = EXCLUDED.expires_at, heartbeat_at = EXCLUDED.heartbeat_at
         WHERE source_lease.expires_at < now()
       RETURNING holder`,
      sourceId,
      this.holder,
      this.ttlMs,
    );
    return rows.length === 1 && rows[0].holder === this.holder;
  }

  // Renews the lease a few times per TTL while the run is alive; a missed renewal is logged (the
  // write's fence refuses to commit once another instance holds the lease).
  private startHeartbeat(sourceId: string): true {
    const timer = setInterval(
      () => {
        this.renew(sourceId).catch((err: Error) =>
          this.logger.warn(`heartbeat of ${sourceId} failed: ${err.message}`),
        );
      },
      Math.max(100, Math.floor(this.ttlMs / 4)),
    );
    timer.unref();
    this.heartbeats.set(sourceId, timer);
    return true;
  }

  async renew(sourceId: string): Promise<boolean> {
    const n = await this.prisma.$executeRawUnsafe(
      `UPDATE source_lease SET expires_at = now() + ($3::int * interval '1 millisecond'), heartbeat_at = now()
       WHERE source_id = $1 AND holder = $2`,
      sourceId,
      this.holder,
      this.ttlMs,
    );
    if (n === 0) this.logger.warn(`lease of ${sourceId} lost to another instance`);
    return n === 1;
  }

  // Inside a write transaction, just before it commits: the run still holds its source's lease.
  // Locks the lease row to the commit, so no other instance can take it over in between.
  async fence(tx: SqlTx, sourceId: string): Promise<void> {
    const rows = await tx.query<{ holder: string }>(
      'SELECT holder FROM source_lease WHERE source_id = $1 FOR UPDATE',
      sourceId,
    );
    if (rows[0]?.holder !== this.holder) throw new LeaseLostError(sourceId);
  }

  async release(sourceId: string): Promise<void> {
    clearInterval(this.heartbeats.get(sourceId));
    this.heartbeats.delete(sourceId);
    await this.prisma.$executeRawUnsafe(
      'DELETE FROM source_lease WHERE source_id = $1 AND holder = $2',
      sourceId,
      this.holder,
    );
  }

  // Leases no live process can hold: on the embedded database every lease (the data-folder lock
  // proves no other process has it open), on a server those expired or held by dead local processes.
  async clearStale(): Promise<number> {
    if (this.prisma.kind === 'pglite')
      return this.prisma.$executeRawUnsafe('DELETE FROM source_lease');
    let cleared = await this.prisma.$executeRawUnsafe(
      'DELETE FROM source_lease WHERE expires_at < now()',
    );
    const leases = await this.prisma.sourceLease.findMany({
      select: { sourceId: true, holder: true },
    });
    for (const l of leases.filter((x) => this.isDeadHolder(x.holder))) {
      cleared += await this.prisma.$executeRawUnsafe(
        'DELETE FROM source_lease WHERE source_id = $1 AND holder = $2',
        l.sourceId,
        l.holder,
      );
    }
    return cleared;
  }

  async current(sourceId: string): Promise<{ holder: string; expiresAt: Date } | null> {
    const l = await this.prisma.sourceLease.findUnique({ where: { sourceId } });
    return l ? { holder: l.holder, expiresAt: l.expiresAt } : null;
  }

  onApplicationShutdown(): void {
    for (const t of this.heartbeats.values()) clearInterval(t);
    this.heartbeats.clear();
  }
}
