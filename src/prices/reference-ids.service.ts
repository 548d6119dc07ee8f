import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { BadInputError } from '../common/domain-error';
import { PrismaService } from '../database/prisma.service';

export type ReferenceTable = 'market' | 'commodity' | 'source' | 'country';

// A request names an id its table does not hold: a 400 naming the parameter and the known ids.
export class UnknownIdError extends BadInputError {
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

// The ids of the reference tables, to check a request's names before any read: kept for a minute
// (reference tables change when the shipped files load or an import adds markets) and read again
// before refusing an id, which may have been added since.
@Injectable()
export class ReferenceIdsService {
  private readonly ids = new LRUCache<ReferenceTable, Set<string>>({ max: 4, ttl: 60_000 });

  constructor(private readonly prisma: PrismaService) {}

  private async idsOf(table: ReferenceTable): Promise<Set<string>> {
    const hit = this.ids.get(table);
    if (hit) return hit;
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      table === 'country'
        ? 'SELECT iso3 AS id FROM country ORDER BY iso3'
        : `SELECT id FROM ${table} ORDER BY id`,
    );
    const ids = new Set(rows.map((r) => r.id));
    this.ids.set(table, ids);
    return ids;
  }

  // Throws UnknownIdError naming the query parameter when an id is not in the table.
  async assertKnown(
    parameter: string,
    table: ReferenceTable,
    ids: string[] | undefined,
  ): Promise<void> {
    if (!ids?.length) return;
    let known = await this.idsOf(table);
    if (ids.some((id) => !known.has(id))) {
      this.ids.delete(table);
      known = await this.idsOf(table);
    }
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length) throw new UnknownIdError(parameter, unknown, [...known]);
  }
}
