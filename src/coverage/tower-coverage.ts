import distance from '@turf/distance';

// Which towers reach a point, and since when: coverage as in the Digital Atlas' estimate, a circle
// of fixed radius (default 5 km) around each tower, by radio type where the data gives one.

export interface TowerPoint {
  id: number | string;
  latitude: number;
  longitude: number;
  radio?: string | null;
  firstSeen: string; // YYYY-MM-DD
}

export interface RadiusPolicy {
  defaultKm: number;
  byRadio: Record<string, number>; // keys upper-case: GSM, UMTS, LTE, ...
}

export function radiusKm(policy: RadiusPolicy, radio?: string | null): number {
  return (radio && policy.byRadio[radio.toUpperCase()]) || policy.defaultKm;
}

// Great-circle distance in km (haversine on a sphere of radius 6371.0088 km, Turf's default).
export function distanceKm(
  a: { latitude: number; longitude: number },
  b: { latitude: number; longitude: number },
): number {
  return distance([a.longitude, a.latitude], [b.longitude, b.latitude], { units: 'kilometers' });
}

// The towers whose circle contains the point, sorted by first-seen date.
export function towersReaching(
  point: { latitude: number; longitude: number },
  towers: TowerPoint[],
  policy: RadiusPolicy,
): TowerPoint[] {
  const maxKm = Math.max(policy.defaultKm, ...Object.values(policy.byRadio));
  const dLat = maxKm / 110.5 + 1e-6;
  const dLon = maxKm / (111.3 * Math.cos((point.latitude * Math.PI) / 180)) + 1e-6;
  return towers
    .filter(
      (t) =>
        Math.abs(t.latitude - point.latitude) <= dLat &&
        Math.abs(t.longitude - point.longitude) <= dLon &&
        distanceKm(point, t) <= radiusKm(policy, t.radio),
    )
    .sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : 0));
}

export interface CoverageAt {
  covered: boolean;
  firstCovered: string | null;
  towersInRange: number;
}

// At `date`: covered when at least one reaching tower was first seen on or before that date.
// `reaching` must be sorted by first-seen date (as towersReaching returns it).
export function coverageAt(reaching: TowerPoint[], date: string): CoverageAt {
  let n = 0;
  while (n < reaching.length && reaching[n].firstSeen <= date) n++;
  return { covered: n > 0, firstCovered: reaching[0]?.firstSeen ?? null, towersInRange: n };
}

// The dates on which the number of reaching towers changes, with the count from that date on.
export function coverageSteps(reaching: TowerPoint[]): { date: string; towersInRange: number }[] {
  const steps: { date: string; towersInRange: number }[] = [];
  reaching.forEach((t, i) => {
    const last = steps[steps.length - 1];
    if (last && last.date === t.firstSeen) last.towersInRange = i + 1;
    else steps.push({ date: t.firstSeen, towersInRange: i + 1 });
  });
  return steps;
}

// Aker (2010): a market pair is "both covered" from the later of the two first-covered dates.
// Returns that date, or null while either market has never been covered.
export function pairCoveredFrom(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return null;
  return a > b ? a : b;
}

// The source name of the shipped SYNTHETIC sample towers: never real data, never a finding.
export const SYNTHETIC_TOWER_SOURCE = 'synthetic-sample';
