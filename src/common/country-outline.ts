import type { Feature, MultiPolygon, Polygon } from 'geojson';
import countries from 'i18n-iso-countries';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

// Country outlines for the dashboard's offline map: Natural Earth 1:50m boundaries as shipped in
// the world-atlas package (TopoJSON, keyed by ISO 3166-1 numeric codes), read once on first use.
// No tile server and no network: the map is drawn from this outline and the markets' coordinates.

export const OUTLINE_SOURCE =
  'Natural Earth 1:50m admin-0 boundaries (public domain), via the world-atlas package';

let topology: Topology<{ countries: GeometryCollection<{ name: string }> }> | undefined;

export function countryOutline(
  iso3: string,
): Feature<Polygon | MultiPolygon, { iso3: string; name: string; source: string }> | null {
  const numeric = countries.alpha3ToNumeric(iso3);
  if (!numeric) return null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- read on first use only
  topology ??= require('world-atlas/countries-50m.json') as typeof topology & object;
  const geometry = topology.objects.countries.geometries.find((g) => g.id === numeric);
  if (!geometry) return null;
  const f = feature(topology, geometry) as Feature<Polygon | MultiPolygon, { name: string }>;
  return {
    type: 'Feature',
    geometry: f.geometry,
    properties: { iso3, name: f.properties.name, source: OUTLINE_SOURCE },
  };
}

// Natural Earth draws the rings of Russia and Fiji that cross 180° with longitudes jumping from
// +180 to −180, which a plain longitude/latitude projection draws as a line across the world: such
// a ring is unwrapped (its western longitudes moved by +360°), so it ends a little past 180° on the
// map. Antarctica's ring spans the world by right and is kept as it is.
function unwrapAntimeridian(g: Polygon | MultiPolygon): Polygon | MultiPolygon {
  const ring = (r: number[][]) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const [lon] of r) {
      lo = Math.min(lo, lon);
      hi = Math.max(hi, lon);
    }
    return hi - lo > 180 ? r.map(([lon, lat]) => [lon < 0 ? lon + 360 : lon, lat]) : r;
  };
  return g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: g.coordinates.map(ring) }
    : { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map(ring)) };
}

export const WORLD_OUTLINE_SOURCE =
  'Natural Earth 1:110m admin-0 boundaries (public domain), via the world-atlas package';

type WorldFeature = Feature<Polygon | MultiPolygon, { iso3: string | null; name: string }>;
let world: { type: 'FeatureCollection'; source: string; features: WorldFeature[] } | undefined;

// Every country at 1:110m, for the world view (about 180 features, 100 kB): each with its ISO 3166-1
// alpha-3 code, or null where Natural Earth draws an area without one (Kosovo, N. Cyprus, ...).
export function worldOutline(): NonNullable<typeof world> {
  if (world) return world;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- read on first use only
  const t = require('world-atlas/countries-110m.json') as Topology<{
    countries: GeometryCollection<{ name: string }>;
  }>;
  const features = t.objects.countries.geometries.map((g) => {
    const f = feature(t, g) as Feature<Polygon | MultiPolygon, { name: string }>;
    const iso3 = g.id === undefined ? undefined : countries.numericToAlpha3(String(g.id));
    return {
      type: 'Feature' as const,
      geometry: iso3 === 'ATA' ? f.geometry : unwrapAntimeridian(f.geometry),
      properties: { iso3: iso3 ?? null, name: f.properties.name },
    };
  });
  world = { type: 'FeatureCollection', source: WORLD_OUTLINE_SOURCE, features };
  return world;
}
