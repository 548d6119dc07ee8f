import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { FetchedDocument } from '../sources/source.types';

// Every fetched body, stored once by its SHA-256 (gzip-compressed), linked to the run that fetched
// it, so any run can be replayed with a newer parser.
@Injectable()
export class SnapshotStoreService {
  constructor(private readonly prisma: PrismaService) {}

  async record(runId: number, doc: FetchedDocument): Promise<string> {
    const sha256 = createHash('sha256').update(doc.body).digest('hex');
    const known = await this.prisma.rawSnapshot.findUnique({
      where: { sha256 },
      select: { sha256: true },
    });
    if (!known) {
      const gz = gzipSync(doc.body);
      // Raw SQL with base64 on the wire: Prisma 6.19 sends Bytes arguments as base64 text, which
      // pglite-prisma-adapter 0.6.1 passes to bytea unchanged ("Invalid input for bytea type").
      // ON CONFLICT: another replica may have stored the same body a moment ago.
      await this.prisma.$executeRaw`
        INSERT INTO raw_snapshot (sha256, body, size, compressed_size, content_type)
        VALUES (${sha256}, decode(${gz.toString('base64')}, 'base64'), ${doc.body.byteLength}, ${gz.byteLength}, ${doc.contentType ?? null})
        ON CONFLICT (sha256) DO NOTHING`;
    }
    await this.prisma.runFetch.create({
      data: {
        runId,
        url: doc.url,
        label: doc.label,
        fetchedAt: doc.fetchedAt,
        httpStatus: doc.httpStatus ?? null,
        snapshotSha256: sha256,
      },
    });
    return sha256;
  }

  // A stored body with the Content-Type it was first fetched with (its declared encoding included,
  // so a replay decodes it as the live run did).
  async read(sha256: string): Promise<{ body: Buffer; contentType?: string } | undefined> {
    const rows = await this.prisma.$queryRaw<{ body: string; content_type: string | null }[]>`
      SELECT encode(body, 'base64') AS body, content_type FROM raw_snapshot WHERE sha256 = ${sha256}`;
    return rows[0]
      ? {
          body: gunzipSync(Buffer.from(rows[0].body, 'base64')),
          contentType: rows[0].content_type ?? undefined,
        }
      : undefined;
  }
}
