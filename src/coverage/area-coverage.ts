import area from '@turf/area';
import bbox from '@turf/bbox';
import circle from '@turf/circle';
import { featureCollection } from '@turf/helpers';
import intersect from '@turf/intersect';
import union from '@turf/union';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { radiusKm, RadiusPolicy, TowerPoint } from './tower-coverage';

export type AreaFeature = Feature<Polygon | MultiPolygon>;

const STEPS = 64;

type Shape = Feature<Polygon | MultiPolygon>;

// Turf's union wants two geometries or more.
function unionAll(shapes: Shape[]): Shape | null {
  if (shapes.length === 0) return null;
  if (shapes.length === 1) return shapes[0];
  return union(featureCollection(shapes));
}

// A circle of radius km around a point, as a 64-sided geodesic polygon.
export function circleArea(
  latitude: number,
  longitude: number,
  km: number,
  steps = STEPS,
): Feature<Polygon> {
  return circle([longitude, latitude], km, { units: 'kilometers', steps });
}

// Share of the area (0..1) inside the union of the circles: area(A ∩ ∪C) / area(A), areas on the
// sphere (Turf). 0 when there is no circle; polygon circles make it exact to about 0.2 %.
export function coveredShare(
  target: AreaFeature,
  circles: Feature<Polygon | MultiPolygon>[],
): number {
  if (circles.length === 0) return 0;
  const merged = unionAll(circles);
  if (!merged) return 0;
  const inside = intersect(featureCollection([target, merged]));
  return inside ? Math.min(1, area(inside) / area(target)) : 0;
}

// The towers whose circle can touch the area (its bounding box grown by each tower's radius).
export function towersNear(
  target: AreaFeature,
  towers: TowerPoint[],
  policy: RadiusPolicy,
): TowerPoint[] {
  const [minX, minY, maxX, maxY] = bbox(target);
  return towers.filter((t) => {
    const km = radiusKm(policy, t.radio);
    const dLat = km / 110.5;
    const dLon = km / (111.3 * Math.cos((t.latitude * Math.PI) / 180));
    return (
      t.latitude >= minY - dLat &&
      t.latitude <= maxY + dLat &&
      t.longitude >= minX - dLon &&
      t.longitude <= maxX + dLon
    );
  });
}

export interface ShareStep {
  date: string;
  share: number;
  towers: number;
}

// The share over time: one step at each first-seen date of a tower whose circle can touch the area.
export function coveredShareSteps(
  target: AreaFeature,
  towers: TowerPoint[],
  policy: RadiusPolicy,
): ShareStep[] {
  const near = towersNear(target, towers, policy);
  near.sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : 0));
  const steps: ShareStep[] = [];
  let covered: Feature<Polygon | MultiPolygon> | null = null;
  let i = 0;
  while (i < near.length) {
    const date = near[i].firstSeen;
    const added: Feature<Polygon | MultiPolygon>[] = [];
    while (i < near.length && near[i].firstSeen === date) {
      added.push(circleArea(near[i].latitude, near[i].longitude, radiusKm(policy, near[i].radio)));
      i++;
    }
    // keep only the part inside the area: the running union stays small
    const clipped = added
      .map((c) => intersect(featureCollection([target, c])))
      .filter((c): c is Feature<Polygon | MultiPolygon> => c !== null);
    if (clipped.length) {
      covered = unionAll(covered ? [covered, ...clipped] : clipped) ?? covered;
    }
    steps.push({ date, share: covered ? Math.min(1, area(covered) / area(target)) : 0, towers: i });
  }
  return steps;
}
