import kinks from '@turf/kinks';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import type { AreaFeature } from './area-coverage';
import { BadInputError } from '../common/domain-error';

// Limits that bound the work of one area-share request (each a 400 naming it when passed).
export const AREA_LIMITS = {
  vertices: 10_000, // positions over all rings
  towers: 5_000, // towers whose circle can touch the area
  marketRadiusKm: 50, // the circle around a market
};

export class AreaInputError extends BadInputError {}

const fail = (msg: string): never => {
  throw new AreaInputError(`body: ${msg}`);
};

function checkRing(ring: unknown, where: string): Position[] {
  if (!Array.isArray(ring)) return fail(`${where} is not an array of positions`);
  if (ring.length < 4)
    return fail(`${where} has ${ring.length} positions; a ring needs at least 4`);
  ring.forEach((p: unknown, i) => {
    if (!Array.isArray(p) || p.length < 2)
      fail(`${where}, position ${i}: not [longitude, latitude]`);
    const [lon, lat] = p as unknown[];
    if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180)
      fail(`${where}, position ${i}: longitude ${String(lon)} is not a number from -180 to 180`);
    if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90)
      fail(`${where}, position ${i}: latitude ${String(lat)} is not a number from -90 to 90`);
  });
  const first = ring[0] as Position;
  const last = ring[ring.length - 1] as Position;
  if (first[0] !== last[0] || first[1] !== last[1])
    fail(`${where} is not closed (its first and last positions differ)`);
  return ring as Position[];
}

// A GeoJSON Feature with a valid Polygon or MultiPolygon: closed rings of at least four positions,
// coordinates in range, no more than AREA_LIMITS.vertices positions, a boundary that does not cross
// itself (a self-intersecting polygon has no well-defined area: Turf answered share 1 at every date).
export function validateArea(body: unknown): AreaFeature {
  const f = body as Feature<Polygon | MultiPolygon> | undefined;
  const type = f?.geometry?.type;
  if (f?.type !== 'Feature' || (type !== 'Polygon' && type !== 'MultiPolygon'))
    return fail('a GeoJSON Feature with a Polygon or MultiPolygon geometry is required');
  const coords: unknown = f.geometry.coordinates;
  if (!Array.isArray(coords) || coords.length === 0) return fail('the geometry has no coordinates');
  const polygons: unknown[] = type === 'Polygon' ? [coords] : coords;
  let vertices = 0;
  polygons.forEach((rings, pi) => {
    if (!Array.isArray(rings) || rings.length === 0) fail(`polygon ${pi} has no rings`);
    (rings as unknown[]).forEach((ring, ri) => {
      vertices += checkRing(ring, `polygon ${pi}, ring ${ri}`).length;
    });
  });
  if (vertices > AREA_LIMITS.vertices)
    fail(
      `the polygon has ${vertices} positions; at most ${AREA_LIMITS.vertices} per request (simplify it)`,
    );
  const crossings = kinks(f).features;
  if (crossings.length) {
    const [lon, lat] = crossings[0].geometry.coordinates;
    fail(
      `the polygon's boundary crosses itself (${crossings.length} crossing${crossings.length > 1 ? 's' : ''}, the first near ${lon.toFixed(4)}, ${lat.toFixed(4)})`,
    );
  }
  return { type: 'Feature', properties: {}, geometry: f.geometry };
}
