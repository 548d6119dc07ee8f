import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import { parse as parseCsv } from 'csv-parse/sync';
import { PrismaService } from '../database/prisma.service';
import { CommodityCategory } from '../generated/prisma/enums';

export const REFERENCE_DIR = path.resolve(__dirname, '..', '..', 'data', 'reference');

export async function readCsvRecords(file: string): Promise<Record<string, string>[]> {
  return parseCsv<Record<string, string>>(await readFile(file, 'utf8'), {
    columns: true,
    skip_empty_lines: true,
    trim: true,
  });
}

// The gazetteer's other spellings of a city, `|`-separated.
export const splitAliases = (v: string | undefined): string[] =>
  (v ?? '')
    .split('|')
    .map((a) => a.trim())
    .filter(Boolean);

export interface SourceRow {
  id: string;
  name: string;
  homeUrl: string;
  credit: string;
  // what its runs write (default observations)
  writes?: 'observations' | 'towers' | 'subscriptions';
}

// Markets (the gazetteer) and commodities shipped in data/reference, loaded idempotently:
// an upsert by id, so a restart changes nothing and an edited file updates the rows.
@Injectable()
export class ReferenceDataService {
  constructor(private readonly prisma: PrismaService) {}

  async loadMarketsAndCommodities(
    dir = REFERENCE_DIR,
  ): Promise<{ markets: number; commodities: number }> {
    const cities = await readCsvRecords(path.join(dir, 'nk-cities.csv'));
    const regions = await readCsvRecords(path.join(dir, 'regions.csv'));
    const commodities = await readCsvRecords(path.join(dir, 'commodities.csv'));
    await this.prisma.$transaction([
      ...cities.map((c) => {
        const data = {
          name: c.name,
          nameKo: c.name_ko || null,
          province: c.province || null,
          latitude: Number(c.lat),
          longitude: Number(c.lon),
          kind: 'city' as const,
          aliases: splitAliases(c.aliases),
        };
        return this.prisma.market.upsert({
          where: { id: c.id },
          create: { id: c.id, ...data },
          update: data,
        });
      }),
      ...regions.map((r) => {
        const data = {
          name: r.name,
          nameKo: r.name_ko || null,
          province: r.province || null,
          latitude: null,
          longitude: null,
          kind: 'region' as const,
        };
        return this.prisma.market.upsert({
          where: { id: r.id },
          create: { id: r.id, ...data },
          update: data,
        });
      }),
      ...commodities.map((c) => {
        const data = {
          name: c.name,
          category: c.category as CommodityCategory,
          defaultUnit: c.default_unit,
          defaultCurrency: c.default_currency,
        };
        return this.prisma.commodity.upsert({
          where: { id: c.id },
          create: { id: c.id, ...data },
          update: data,
        });
      }),
    ]);
    return { markets: cities.length + regions.length, commodities: commodities.length };
  }

  async registerSources(sources: SourceRow[]): Promise<void> {
    await this.prisma.$transaction(
      sources.map((s) => {
        const data = {
          name: s.name,
          homeUrl: s.homeUrl,
          credit: s.credit,
          writes: s.writes ?? 'observations',
        };
        return this.prisma.source.upsert({
          where: { id: s.id },
          create: { id: s.id, ...data },
          update: data,
        });
      }),
    );
  }
}
