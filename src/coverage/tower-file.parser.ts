import { parse as parseCsv } from 'csv-parse/sync';
import { countryName } from '../common/countries';
import { countriesOfMcc, mccsOfCountry, outsideCountry } from './tower-countries';
import { distanceKm } from './tower-coverage';

export type TowerFileFormat = 'opencellid' | 'csv' | 'geojson';
export const TOWER_FILE_FORMATS: TowerFileFormat[] = ['opencellid', 'csv', 'geojson'];

// What a tower's date means. OpenCelliD's `created` is when its record was made (a phone first
// reported the cell), not when the tower went up; imagery surveys give the first image showing it.
export type FirstSeenKind = 'record_created' | 'observed';

export interface TowerRow {
  row: number; // 1-based line or feature number in the file
  country: string; // ISO 3166-1 alpha-3
  externalId: string;
  radio: string | null;
  latitude: number;
  longitude: number;
  rangeM: number | null;
  samples: number | null;
  firstSeen: string;
  firstSeenKind: FirstSeenKind;
  lastSeen: string | null;
  confidence: number | null;
  mergedRows: number[];
}

export interface TowerRejection {
  row: number;
  reason: string;
}

export interface TowerFileResult {
  towers: TowerRow[];
  rejected: TowerRejection[];
  merged: TowerRejection[];
  rowsRead: number;
}

// A file that cannot be read at all: nothing of it is imported.
export class TowerFileError extends Error {}

// The country a survey file's towers belong to when the import names none.
export const DEFAULT_TOWER_COUNTRY = 'PRK';

const OPENCELLID_COLUMNS = [
  'radio',
  'mcc',
  'net',
  'area',
  'cell',
  'unit',
  'lon',
  'lat',
  'range',
  'samples',
  'changeable',
  'created',
  'updated',
  'averageSignal',
];

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function parseDay(text: unknown): string | null {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return null;
  const d = new Date(`${text.trim().slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || isoDay(d) !== text.trim().slice(0, 10) ? null : isoDay(d);
}

function parseUnixSeconds(text: string): string | null {
  if (!/^\d{9,11}$/.test(text.trim())) return null;
  return isoDay(new Date(Number(text) * 1000));
}

// Text of a property for messages and ids: strings as they are, anything else as JSON.
const show = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);

const num = (v: unknown): number | null => {
  if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : NaN;
};

type Candidate = Omit<TowerRow, 'mergedRows'>;

function checkPoint(country: string, lat: number | null, lon: number | null): string | null {
  if (lat === null || lon === null || Number.isNaN(lat) || Number.isNaN(lon))
    return 'latitude/longitude missing or not numbers';
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180)
    return `point ${lat}, ${lon} is not a latitude and longitude`;
  return outsideCountry(country, lat, lon);
}

// The country of an OpenCelliD row: its MCC's, or the one the import names (which must be one of
// the MCC's countries). A reason instead when there is none.
function countryOfCell(mcc: string, named: string | undefined): { country: string } | string {
  const of = countriesOfMcc(mcc);
  if (named !== undefined) {
    if (of.includes(named)) return { country: named };
    const own = mccsOfCountry(named);
    return `MCC ${mcc} is not ${countryName(named)}'s (${own.length ? own.join(', ') : 'no MCC'})`;
  }
  if (of.length === 1) return { country: of[0] };
  if (of.length === 0) return `MCC ${mcc} is not assigned to a country`;
  return `MCC ${mcc} is used by several countries (${of.join(', ')}): name one with country`;
}

function readOpenCellId(
  body: string,
  rejected: TowerRejection[],
  named: string | undefined,
): { candidates: Candidate[]; rowsRead: number } {
  const records = parseCsv(body, { relax_column_count: true, skip_empty_lines: true, trim: true });
  const hasHeader = records[0]?.[0]?.toLowerCase() === 'radio';
  if (hasHeader) {
    const header = records[0];
    const missing = ['radio', 'mcc', 'net', 'area', 'cell', 'lon', 'lat', 'created'].filter(
      (c) => !header.includes(c),
    );
    if (missing.length) throw new TowerFileError(`OpenCelliD header lacks ${missing.join(', ')}`);
  }
  const header = hasHeader ? records[0] : OPENCELLID_COLUMNS;
  const rows = records.slice(hasHeader ? 1 : 0);
  const candidates: Candidate[] = [];
  rows.forEach((cells, i) => {
    const row = i + (hasHeader ? 2 : 1);
    const r = Object.fromEntries(header.map((h, k) => [h, cells[k] ?? '']));
    if (cells.length < 9)
      return void rejected.push({
        row,
        reason: `expected ${OPENCELLID_COLUMNS.length} columns, found ${cells.length}`,
      });
    const assigned = countryOfCell(r.mcc, named);
    if (typeof assigned === 'string') return void rejected.push({ row, reason: assigned });
    const lat = num(r.lat);
    const lon = num(r.lon);
    const bad = checkPoint(assigned.country, lat, lon);
    if (bad) return void rejected.push({ row, reason: bad });
    const created = parseUnixSeconds(r.created);
    if (!created)
      return void rejected.push({
        row,
        reason: `created "${r.created}" is not a Unix time in seconds`,
      });
    const rangeM = num(r.range);
    const samples = num(r.samples);
    candidates.push({
      row,
      country: assigned.country,
      externalId: `${r.radio}-${r.mcc}-${r.net}-${r.area}-${r.cell}`,
      radio: r.radio || null,
      latitude: lat as number,
      longitude: lon as number,
      rangeM: rangeM !== null && !Number.isNaN(rangeM) ? Math.round(rangeM) : null,
      samples: samples !== null && !Number.isNaN(samples) ? Math.round(samples) : null,
      firstSeen: created,
      firstSeenKind: 'record_created',
      lastSeen: parseUnixSeconds(r.updated ?? ''),
      confidence: null,
    });
  });
  return { candidates, rowsRead: rows.length };
}

interface SurveyFields {
  id?: unknown;
  first_seen?: unknown;
  firstSeen?: unknown;
  last_seen?: unknown;
  lastSeen?: unknown;
  confidence?: unknown;
  radio?: unknown;
}

function surveyCandidate(
  country: string,
  row: number,
  lat: number | null,
  lon: number | null,
  p: SurveyFields,
  rejected: TowerRejection[],
): Candidate | null {
  const bad = checkPoint(country, lat, lon);
  if (bad) return (void rejected.push({ row, reason: bad }), null);
  const firstText = p.first_seen ?? p.firstSeen;
  const firstSeen = parseDay(firstText);
  if (!firstSeen)
    return (
      void rejected.push({
        row,
        reason: `first_seen "${show(firstText)}" is not a date YYYY-MM-DD`,
      }),
      null
    );
  const lastText = p.last_seen ?? p.lastSeen;
  const lastSeen =
    lastText === undefined || lastText === null || lastText === '' ? null : parseDay(lastText);
  if (lastText && !lastSeen)
    return (
      void rejected.push({
        row,
        reason: `last_seen "${show(lastText)}" is not a date YYYY-MM-DD`,
      }),
      null
    );
  if (lastSeen && lastSeen < firstSeen)
    return (
      void rejected.push({
        row,
        reason: `last_seen ${lastSeen} is before first_seen ${firstSeen}`,
      }),
      null
    );
  const confidence = num(p.confidence);
  if (confidence !== null && (Number.isNaN(confidence) || confidence < 0 || confidence > 1)) {
    return (
      void rejected.push({
        row,
        reason: `confidence "${show(p.confidence)}" is not a number from 0 to 1`,
      }),
      null
    );
  }
  const id =
    p.id === undefined || p.id === null || p.id === ''
      ? `${(lat as number).toFixed(5)},${(lon as number).toFixed(5)}`
      : show(p.id);
  return {
    row,
    country,
    externalId: id,
    radio: typeof p.radio === 'string' && p.radio ? p.radio : null,
    latitude: lat as number,
    longitude: lon as number,
    rangeM: null,
    samples: null,
    firstSeen,
    firstSeenKind: 'observed',
    lastSeen,
    confidence,
  };
}

function readCsv(
  body: string,
  rejected: TowerRejection[],
  country: string,
): { candidates: Candidate[]; rowsRead: number } {
  const records = parseCsv<Record<string, string>>(body, {
    columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
    skip_empty_lines: true,
    trim: true,
  });
  if (records.length) {
    const cols = Object.keys(records[0]);
    const need = [['lat', 'latitude'], ['lon', 'lng', 'longitude'], ['first_seen']];
    const missing = need
      .filter((alts) => !alts.some((a) => cols.includes(a)))
      .map((alts) => alts[0]);
    if (missing.length)
      throw new TowerFileError(
        `tower CSV lacks the column(s) ${missing.join(', ')} (needs lat, lon, first_seen; optional id, last_seen, confidence, radio)`,
      );
  }
  const candidates: Candidate[] = [];
  records.forEach((r, i) => {
    const c = surveyCandidate(
      country,
      i + 2,
      num(r.lat ?? r.latitude),
      num(r.lon ?? r.lng ?? r.longitude),
      r,
      rejected,
    );
    if (c) candidates.push(c);
  });
  return { candidates, rowsRead: records.length };
}

function readGeoJson(
  body: string,
  rejected: TowerRejection[],
  country: string,
): { candidates: Candidate[]; rowsRead: number } {
  let doc: {
    type?: string;
    features?: {
      geometry?: { type?: string; coordinates?: unknown[] };
      properties?: SurveyFields;
    }[];
  };
  try {
    doc = JSON.parse(body) as typeof doc;
  } catch (err) {
    throw new TowerFileError(`not JSON: ${(err as Error).message}`);
  }
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features))
    throw new TowerFileError('GeoJSON must be a FeatureCollection of Point features');
  const candidates: Candidate[] = [];
  doc.features.forEach((f, i) => {
    const row = i + 1;
    if (f?.geometry?.type !== 'Point' || !Array.isArray(f.geometry.coordinates))
      return void rejected.push({ row, reason: 'feature is not a Point' });
    const [lon, lat] = f.geometry.coordinates;
    const c = surveyCandidate(country, row, num(lat), num(lon), f.properties ?? {}, rejected);
    if (c) candidates.push(c);
  });
  return { candidates, rowsRead: doc.features.length };
}

// Rows within `dedupMeters` of a tower kept earlier, in the same country, are the same tower:
// merged into it (its first seen becomes the earlier of the two, its last seen the later), each
// merge with its reason.
function mergeDuplicates(
  candidates: Candidate[],
  dedupMeters: number,
  merged: TowerRejection[],
): TowerRow[] {
  const kept: TowerRow[] = [];
  const cell = Math.max(dedupMeters / 111_000, 1e-6); // grid of about dedupMeters in latitude
  const grid = new Map<string, TowerRow[]>();
  const keyOf = (lat: number, lon: number) => `${Math.floor(lat / cell)}:${Math.floor(lon / cell)}`;
  for (const c of candidates) {
    const gy = Math.floor(c.latitude / cell);
    const gx = Math.floor(c.longitude / cell);
    let twin: TowerRow | undefined;
    let meters = 0;
    for (let dy = -1; dy <= 1 && !twin; dy++) {
      for (let dx = -2; dx <= 2 && !twin; dx++) {
        for (const k of grid.get(`${gy + dy}:${gx + dx}`) ?? []) {
          if (k.country !== c.country) continue;
          const m = distanceKm(c, k) * 1000;
          if (m <= dedupMeters) {
            twin = k;
            meters = m;
            break;
          }
        }
      }
    }
    if (twin) {
      merged.push({
        row: c.row,
        reason: `same tower as row ${twin.row} (${meters.toFixed(0)} m apart): merged`,
      });
      twin.mergedRows.push(c.row);
      if (c.firstSeen < twin.firstSeen) twin.firstSeen = c.firstSeen;
      if (c.lastSeen && (!twin.lastSeen || c.lastSeen > twin.lastSeen)) twin.lastSeen = c.lastSeen;
      continue;
    }
    const t: TowerRow = { ...c, mergedRows: [] };
    kept.push(t);
    const k = keyOf(c.latitude, c.longitude);
    grid.set(k, [...(grid.get(k) ?? []), t]);
  }
  return kept;
}

// Reads a tower file into validated, de-duplicated towers; rows that fail validation are rejected
// with a reason, never half-read. Throws TowerFileError when the file as a whole is unreadable.
// `country`: an OpenCelliD file's rows must be of that country's MCCs (without it, each row goes to
// its MCC's country); a survey file's towers are that country's (without it, North Korea's).
export function parseTowerFile(
  body: string,
  format: TowerFileFormat,
  opts: { dedupMeters: number; country?: string },
): TowerFileResult {
  const rejected: TowerRejection[] = [];
  const merged: TowerRejection[] = [];
  let read: { candidates: Candidate[]; rowsRead: number };
  try {
    read =
      format === 'opencellid'
        ? readOpenCellId(body, rejected, opts.country)
        : format === 'csv'
          ? readCsv(body, rejected, opts.country ?? DEFAULT_TOWER_COUNTRY)
          : readGeoJson(body, rejected, opts.country ?? DEFAULT_TOWER_COUNTRY);
  } catch (err) {
    if (err instanceof TowerFileError) throw err;
    throw new TowerFileError(`cannot read the ${format} file: ${(err as Error).message}`);
  }
  const towers = mergeDuplicates(read.candidates, opts.dedupMeters, merged);
  return { towers, rejected, merged, rowsRead: read.rowsRead };
}
