import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { splitAliases } from '../../src/prices/reference-data.service';
import { MarketRef } from '../../src/sources/source.types';

// The shipped gazetteer, as parsers see it.
export function gazetteerMarkets(): MarketRef[] {
  const rows = parse<Record<string, string>>(
    readFileSync(path.join(__dirname, '..', '..', 'data', 'reference', 'nk-cities.csv'), 'utf8'),
    {
      columns: true,
    },
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    nameKo: r.name_ko,
    aliases: splitAliases(r.aliases),
  }));
}

export const fixture = (...parts: string[]) => path.join(__dirname, '..', 'fixtures', ...parts);
export const readFixture = (...parts: string[]) => readFileSync(fixture(...parts), 'utf8');
