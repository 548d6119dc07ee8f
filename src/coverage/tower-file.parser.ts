import { Readable } from 'node:stream';
import { csvBatches } from '../common/csv-batches';
import { countryName } from '../common/countries';
import { countriesOfMcc, mccsOfCountry, outsideCountry } from './tower-countries';
import { distanceKm } from './tower-coverage';
import { BadInputError } from '../common/domain-error';
import { TOWER_FILE_IMPORTER } from '../sources/importer-registry';
import type { TowerFileFormat } from '../sources/shared/file-importer';

// The formats, as the tower importer declares them (sources/towers)
export type { TowerFileFormat };
export const TOWER_FILE_FORMATS: readonly TowerFileFormat[] = TOWER_FILE_IMPORTER.formats;

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
  rejected: TowerRejection[]; // the first 1,000, in file order
  merged: TowerRejection[]; // the first 1,000, in file order
  rejectedCount: number;
  mergedCount: number;
  rowsRead: number;
}

// A file that cannot be read at all: nothing of it is imported.
export class TowerFileError extends BadInputError {}

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

// What a read keeps of a file: its towers (merged as they arrive), the first KEPT_REASONS refused
// and merged rows with their reasons, and how many there were.
const KEPT_REASONS = 1_000;

class TowerSink {
  readonly towers: TowerRow[] = [];
  readonly rejected: TowerRejection[] = [];
  readonly merged: TowerRejection[] = [];
  rejectedCount = 0;
  mergedCount = 0;
  rowsRead = 0;
  private readonly cell: number;
  private readonly grid = new Map<string, TowerRow[]>();

  constructor(private readonly dedupMeters: number) {
    this.cell = Math.max(dedupMeters / 111_000, 1e-6); // grid of about dedupMeters in latitude
  }

  reject(row: number, reason: string): void {
    this.rejectedCount++;
    if (this.rejected.length < KEPT_REASONS) this.rejected.push({ row, reason });
  }

  // A row within `dedupMeters` of a tower kept earlier, in the same country, is the same tower:
  // merged into it (its first seen becomes the earlier of the two, its last seen the later), with
  // its reason. Otherwise `c` is kept as it is: each reader makes its rows with one object literal, so the towers kept
  // share one hidden class (a spread copy per tower gave each its own: 38.9 MiB of shapes for
  // 100,000 rows, measured in a heap snapshot).
  add(c: TowerRow): void {
    const gy = Math.floor(c.latitude / this.cell);
    const gx = Math.floor(c.longitude / this.cell);
    let twin: TowerRow | undefined;
    let meters = 0;
    for (let dy = -1; dy <= 1 && !twin; dy++) {
      for (let dx = -2; dx <= 2 && !twin; dx++) {
        for (const k of this.grid.get(`${gy + dy}:${gx + dx}`) ?? []) {
          if (k.country !== c.country) continue;
          const m = distanceKm(c, k) * 1000;
          if (m <= this.dedupMeters) {
            twin = k;
            meters = m;
            break;
          }
        }
      }
    }
    if (twin) {
      this.mergedCount++;
      if (this.merged.length < KEPT_REASONS)
        this.merged.push({
          row: c.row,
          reason: `same tower as row ${twin.row} (${meters.toFixed(0)} m apart): merged`,
        });
      twin.mergedRows.push(c.row);
      if (c.firstSeen < twin.firstSeen) twin.firstSeen = c.firstSeen;
      if (c.lastSeen && (!twin.lastSeen || c.lastSeen > twin.lastSeen)) twin.lastSeen = c.lastSeen;
      return;
    }
    this.towers.push(c);
    const key = `${gy}:${gx}`;
    const here = this.grid.get(key);
    if (here) here.push(c);
    else this.grid.set(key, [c]);
  }
}

// A CSV file's records with their row numbers (1-based, the header included), read as a stream
// in batches: memory holds the towers kept, never the file's text or all of its records. A record
// the CSV reader could not read (a broken quote) is refused with the reader's reason.
async function* csvRecords(
  input: Readable,
  sink: TowerSink,
): AsyncGenerator<{ row: number; cells: string[] }> {
  let row = 0;
  for await (const chunk of csvBatches(input)) {
    const broken = new Map(chunk.errors.map((e) => [e.row, e.message]));
    for (const fields of chunk.rows) {
      row++;
      const error = broken.get(row - 1);
      if (error !== undefined) {
        sink.rowsRead++;
        sink.reject(row, `csv: ${error}`);
        continue;
      }
      yield { row, cells: fields.map((f) => f.trim()) };
    }
  }
}

async function readOpenCellId(
  input: Readable,
  sink: TowerSink,
  named: string | undefined,
): Promise<void> {
  let column: Record<string, number> | undefined;
  for await (const { row, cells } of csvRecords(input, sink)) {
    if (!column) {
      const hasHeader = cells[0]?.toLowerCase() === 'radio';
      const header = hasHeader ? cells : OPENCELLID_COLUMNS;
      if (hasHeader) {
        const missing = ['radio', 'mcc', 'net', 'area', 'cell', 'lon', 'lat', 'created'].filter(
          (c) => !header.includes(c),
        );
        if (missing.length)
          throw new TowerFileError(`OpenCelliD header lacks ${missing.join(', ')}`);
      }
      column = Object.fromEntries(header.map((h, k) => [h, k]));
      if (hasHeader) continue;
    }
    sink.rowsRead++;
    const at = (name: string): string => {
      const k = column![name];
      return k === undefined ? '' : (cells[k] ?? '');
    };
    if (cells.length < 9) {
      sink.reject(row, `expected ${OPENCELLID_COLUMNS.length} columns, found ${cells.length}`);
      continue;
    }
    const mcc = at('mcc');
    const assigned = countryOfCell(mcc, named);
    if (typeof assigned === 'string') {
      sink.reject(row, assigned);
      continue;
    }
    const lat = num(at('lat'));
    const lon = num(at('lon'));
    const bad = checkPoint(assigned.country, lat, lon);
    if (bad) {
      sink.reject(row, bad);
      continue;
    }
    const createdText = at('created');
    const created = parseUnixSeconds(createdText);
    if (!created) {
      sink.reject(row, `created "${createdText}" is not a Unix time in seconds`);
      continue;
    }
    const rangeM = num(at('range'));
    const samples = num(at('samples'));
    const radio = at('radio');
    sink.add({
      row,
      country: assigned.country,
      externalId: [radio, mcc, at('net'), at('area'), at('cell')].join('-'),
      radio: radio || null,
      latitude: lat as number,
      longitude: lon as number,
      rangeM: rangeM !== null && !Number.isNaN(rangeM) ? Math.round(rangeM) : null,
      samples: samples !== null && !Number.isNaN(samples) ? Math.round(samples) : null,
      firstSeen: created,
      firstSeenKind: 'record_created',
      lastSeen: parseUnixSeconds(at('updated')),
      confidence: null,
      mergedRows: [],
    });
  }
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
  sink: TowerSink,
): TowerRow | null {
  const bad = checkPoint(country, lat, lon);
  if (bad) return (sink.reject(row, bad), null);
  const firstText = p.first_seen ?? p.firstSeen;
  const firstSeen = parseDay(firstText);
  if (!firstSeen)
    return (sink.reject(row, `first_seen "${show(firstText)}" is not a date YYYY-MM-DD`), null);
  const lastText = p.last_seen ?? p.lastSeen;
  const lastSeen =
    lastText === undefined || lastText === null || lastText === '' ? null : parseDay(lastText);
  if (lastText && !lastSeen)
    return (sink.reject(row, `last_seen "${show(lastText)}" is not a date YYYY-MM-DD`), null);
  if (lastSeen && lastSeen < firstSeen)
    return (sink.reject(row, `last_seen ${lastSeen} is before first_seen ${firstSeen}`), null);
  const confidence = num(p.confidence);
  if (confidence !== null && (Number.isNaN(confidence) || confidence < 0 || confidence > 1)) {
    return (
      sink.reject(row, `confidence "${show(p.confidence)}" is not a number from 0 to 1`),
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
    mergedRows: [],
  };
}

async function readCsv(input: Readable, sink: TowerSink, country: string): Promise<void> {
  let column: Map<string, number> | undefined;
  let width = 0;
  for await (const { row, cells } of csvRecords(input, sink)) {
    if (!column) {
      const names = cells.map((c) => c.toLowerCase());
      const need = [['lat', 'latitude'], ['lon', 'lng', 'longitude'], ['first_seen']];
      const missing = need
        .filter((alts) => !alts.some((a) => names.includes(a)))
        .map((alts) => alts[0]);
      if (missing.length)
        throw new TowerFileError(
          `tower CSV lacks the column(s) ${missing.join(', ')} (needs lat, lon, first_seen; optional id, last_seen, confidence, radio)`,
        );
      column = new Map(names.map((n, k) => [n, k]));
      width = names.length;
      continue;
    }
    sink.rowsRead++;
    if (cells.length !== width) {
      sink.reject(row, `expected ${width} columns as the header has, found ${cells.length}`);
      continue;
    }
    const at = (...names: string[]): string | undefined => {
      for (const n of names) {
        const k = column!.get(n);
        if (k !== undefined) return cells[k];
      }
      return undefined;
    };
    const c = surveyCandidate(
      country,
      row,
      num(at('lat', 'latitude')),
      num(at('lon', 'lng', 'longitude')),
      {
        id: at('id'),
        first_seen: at('first_seen'),
        last_seen: at('last_seen'),
        confidence: at('confidence'),
        radio: at('radio'),
      },
      sink,
    );
    if (c) sink.add(c);
  }
}

// GeoJSON is one document: read whole (the API's body cap and the CLI's file bound it), then each
// feature in turn.
async function readGeoJson(input: Readable, sink: TowerSink, country: string): Promise<void> {
  let body = '';
  input.setEncoding('utf8');
  for await (const chunk of input) body += chunk as string;
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
  doc.features.forEach((f, i) => {
    const row = i + 1;
    sink.rowsRead++;
    if (f?.geometry?.type !== 'Point' || !Array.isArray(f.geometry.coordinates))
      return sink.reject(row, 'feature is not a Point');
    const [lon, lat] = f.geometry.coordinates;
    const c = surveyCandidate(country, row, num(lat), num(lon), f.properties ?? {}, sink);
    if (c) sink.add(c);
  });
}

// Reads a tower file into validated, de-duplicated towers, as a stream (a string is read as one):
// rows that fail validation are refused with a reason, never half-read; the first 1,000 refused
// and merged rows are kept with their reasons, all of them counted. Throws TowerFileError when the
// file as a whole is unreadable. `country`: an OpenCelliD file's rows must be of that country's
// MCCs (without it, each row goes to its MCC's country); a survey file's towers are that
// country's (without it, North Korea's).
export async function parseTowerFile(
  input: Readable | string,
  format: TowerFileFormat,
  opts: { dedupMeters: number; country?: string },
): Promise<TowerFileResult> {
  const stream = typeof input === 'string' ? Readable.from([input]) : input;
  const sink = new TowerSink(opts.dedupMeters);
  try {
    if (format === 'opencellid') await readOpenCellId(stream, sink, opts.country);
    else if (format === 'csv') await readCsv(stream, sink, opts.country ?? DEFAULT_TOWER_COUNTRY);
    else await readGeoJson(stream, sink, opts.country ?? DEFAULT_TOWER_COUNTRY);
  } catch (err) {
    stream.destroy();
    if (err instanceof TowerFileError) throw err;
    throw new TowerFileError(`cannot read the ${format} file: ${(err as Error).message}`);
  }
  return {
    towers: sink.towers,
    rejected: sink.rejected,
    merged: sink.merged,
    rejectedCount: sink.rejectedCount,
    mergedCount: sink.mergedCount,
    rowsRead: sink.rowsRead,
  };
}
