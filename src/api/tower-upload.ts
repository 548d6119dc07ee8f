import { BadRequestException } from '@nestjs/common';
import type { TowerImportReport } from '../coverage/tower-import.service';
import { ImportRunner } from '../ingestion/import-runner.service';
import type { RunView } from '../ingestion/run-ledger.service';
import type { TowerImportQueryDto } from './dto/coverage.dto';

// A tower file uploaded to POST /api/imports/towers or (its first address, kept for scripts)
// POST /api/coverage/towers/import: one handler for both.
export const TOWER_BODY =
  'The file: text/csv for opencellid and csv, application/json or application/geo+json for geojson';

export const TOWER_IMPORT_DESCRIPTION =
  "Needs a Bearer token (ADMIN_TOKEN). OpenCelliD rows are assigned to their MCC's country (mcc-mnc-list), or must be of the country named by `country`; survey rows (csv, geojson) are the named country's (default PRK). The body (at most MAX_IMPORT_BYTES) is parsed record by record, GeoJSON as one document. Rows outside their country (more than 10 km from its Natural Earth 1:50m outline), with unreadable dates, of the wrong number of columns or a broken quote, or with an MCC of no country (or of several, when no country is named) are rejected with a reason (the first 1,000 kept, all counted); rows within TOWER_DEDUP_METERS (default 100 m) of an earlier one are merged into it. Valid rows are applied together or not at all; re-importing the same file changes nothing. Every import is a run of the source towers:<source> in the run ledger (GET /api/ingestion/runs; two imports of one registry at once: 409); the answer is the import report with that run.";

export function importTowerUpload(
  runner: ImportRunner,
  q: TowerImportQueryDto,
  body: unknown,
  trigger: 'cli' | 'api',
): Promise<TowerImportReport & { run: RunView }> {
  const text =
    typeof body === 'string'
      ? body
      : body && typeof body === 'object' && Object.keys(body).length
        ? JSON.stringify(body)
        : '';
  if (!text)
    throw new BadRequestException(
      'body: the tower file is missing (send it as text/csv or application/json)',
    );
  return runner.importTowers(text, {
    format: q.format,
    source: q.source,
    fileName: q.fileName ?? 'api upload',
    country: q.country,
    trigger,
  });
}
