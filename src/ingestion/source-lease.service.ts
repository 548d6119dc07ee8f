import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

export const LEASE_TTL_MS = 30 * 60_000;

// One lease row per source: taken with a single atomic upsert (a live lease of another holder is
// never overwritten; an expired one is), released by its holder. The same SQL works on PGlite and
// on a PostgreSQL server shared by several replicas.
@Injectable()
export class SourceLeaseService {
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  constructor(private readonly prisma: PrismaService) {}

  async acquire(sourceId: string, ttlMs = LEASE_TTL_MS): Promise<boolean> {
    const rows = await this.prisma.$queryRawUnsafe<{ holder: string }[]>(
      `INSERT INTO source_lease (source_id, holder, acquired_at, expires_at)
       VALUES ($1, $2, now(), now() + ($3::int * interval '1 millisecond'))
       ON CONFLICT (source_id) DO UPDATE
         SET holder = EXCLUDED.holder, acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at
         WHERE source_lease.expires_at < now()
       RETURNING holder`,
      sourceId,
      this.holder,
      ttlMs,
    );
    return rows.length === 1 && rows[0].holder === this.holder;
  }

  async release(sourceId: string): Promise<void> {
    await this.prisma.$executeRawUnsafe(
      'DELETE FROM source_lease WHERE source_id = $1 AND holder = $2',
      sourceId,
      this.holder,
    );
  }

  async current(sourceId: string): Promise<{ holder: string; expiresAt: Date } | null> {
    const l = await this.prisma.sourceLease.findUnique({ where: { sourceId } });
    return l ? { holder: l.holder, expiresAt: l.expiresAt } : null;
  }
}
