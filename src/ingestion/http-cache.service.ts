import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { SnapshotStoreService } from './snapshot-store.service';

export interface Validators {
  etag?: string;
  lastModified?: string;
  sha256: string;
}

// The validators (ETag, Last-Modified) of each URL's last successful fetch, and its stored body,
// for conditional requests.
@Injectable()
export class HttpCacheService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly snapshots: SnapshotStoreService,
  ) {}

  async validators(url: string): Promise<Validators | undefined> {
    const e = await this.prisma.httpCacheEntry.findUnique({ where: { url } });
    if (!e || (!e.etag && !e.lastModified)) return undefined;
    return {
      etag: e.etag ?? undefined,
      lastModified: e.lastModified ?? undefined,
      sha256: e.snapshotSha256,
    };
  }

  stored(sha256: string): Promise<{ body: Buffer; contentType?: string } | undefined> {
    return this.snapshots.read(sha256);
  }

  async remember(url: string, v: Validators): Promise<void> {
    const data = {
      etag: v.etag ?? null,
      lastModified: v.lastModified ?? null,
      snapshotSha256: v.sha256,
      checkedAt: new Date(),
    };
    await this.prisma.httpCacheEntry.upsert({
      where: { url },
      create: { url, ...data },
      update: data,
    });
  }
}
