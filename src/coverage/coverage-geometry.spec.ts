import { circleArea, coveredShare, coveredShareSteps } from './area-coverage';
import {
  coverageAt,
  coverageSteps,
  distanceKm,
  pairCoveredFrom,
  towersReaching,
} from './tower-coverage';

const P = { latitude: 39.0392, longitude: 125.7625 }; // Pyongyang city centre
const policy = { defaultKm: 5, byRadio: { LTE: 2 } };
// a point d km due north of P (1° of latitude = 111.195 km on Turf's sphere)
const north = (km: number) => ({ latitude: P.latitude + km / 111.19508, longitude: P.longitude });
const east = (km: number) => ({
  latitude: P.latitude,
  longitude: P.longitude + km / (111.19508 * Math.cos((P.latitude * Math.PI) / 180)),
});

describe('towers reaching a market', () => {
  const towers = [
    { id: 1, ...north(4.9), firstSeen: '2010-05-01' },
    { id: 2, ...north(5.1), firstSeen: '2009-01-01' }, // just outside 5 km
    { id: 3, ...east(1.5), radio: 'LTE', firstSeen: '2012-01-01' }, // inside its 2 km
    { id: 4, ...east(3), radio: 'lte', firstSeen: '2008-12-15' }, // outside its 2 km
    { id: 5, ...P, firstSeen: '2010-05-01' },
  ];

  it('measures great-circle distance', () => {
    expect(distanceKm(P, north(10))).toBeCloseTo(10, 3);
    // Pyongyang to Hyesan
    expect(distanceKm(P, { latitude: 41.4017, longitude: 128.1775 })).toBeCloseTo(
      333.2154426837,
      6,
    ); // Python haversine, R = 6371.0088 km
  });

  it('keeps the towers whose own radius reaches the point, by radio type', () => {
    expect(towersReaching(P, towers, policy).map((t) => t.id)).toEqual([1, 5, 3]);
  });

  it('is covered from the first tower on, counting towers as they appear', () => {
    const r = towersReaching(P, towers, policy);
    expect(coverageAt(r, '2010-04-30')).toEqual({
      covered: false,
      firstCovered: '2010-05-01',
      towersInRange: 0,
    });
    expect(coverageAt(r, '2010-05-01')).toEqual({
      covered: true,
      firstCovered: '2010-05-01',
      towersInRange: 2,
    });
    expect(coverageAt(r, '2020-01-01').towersInRange).toBe(3);
    expect(coverageSteps(r)).toEqual([
      { date: '2010-05-01', towersInRange: 2 },
      { date: '2012-01-01', towersInRange: 3 },
    ]);
    expect(coverageAt([], '2020-01-01')).toEqual({
      covered: false,
      firstCovered: null,
      towersInRange: 0,
    });
  });
});

describe('share of an area inside the tower circles', () => {
  const city = circleArea(P.latitude, P.longitude, 10, 256);

  it('is 0 with no tower', () => {
    expect(coveredShare(city, [])).toBe(0);
  });

  it('is (r/R)² for one circle inside: 2 km in 10 km gives 0.04', () => {
    expect(coveredShare(city, [circleArea(P.latitude, P.longitude, 2, 256)])).toBeCloseTo(0.04, 4);
  });

  it('counts the overlap of two circles once (circle-circle lens formula)', () => {
    const r = 2;
    const d = 2;
    const lens = 2 * r * r * Math.acos(d / (2 * r)) - (d / 2) * Math.sqrt(4 * r * r - d * d);
    const expected = (2 * Math.PI * r * r - lens) / (Math.PI * 100);
    const a = east(-1);
    const b = east(1);
    const share = coveredShare(city, [
      circleArea(a.latitude, a.longitude, r, 256),
      circleArea(b.latitude, b.longitude, r, 256),
    ]);
    expect(Math.abs(share - expected) / expected).toBeLessThan(2e-3);
  });

  it('counts only the part inside the area: a circle centred on the edge covers about half of itself', () => {
    const edge = north(10);
    const share = coveredShare(city, [circleArea(edge.latitude, edge.longitude, 1, 256)]);
    // the 10 km boundary curves away: slightly less than half of π·1² falls inside
    expect(share * Math.PI * 100).toBeGreaterThan(0.45 * Math.PI);
    expect(share * Math.PI * 100).toBeLessThan(0.5 * Math.PI);
  });

  it('steps up as towers appear', () => {
    const steps = coveredShareSteps(
      city,
      [
        { id: 1, ...P, firstSeen: '2011-01-01' },
        { id: 2, ...north(100), firstSeen: '2009-01-01' }, // far away: ignored
        { id: 3, ...east(14), firstSeen: '2012-01-01' }, // 14 km east: its 5 km circle clips the city's edge
        { id: 4, ...east(16), firstSeen: '2013-01-01' }, // 16 km east: misses the 10 km city
      ],
      policy,
    );
    expect(steps).toHaveLength(2);
    expect(steps[0].date).toBe('2011-01-01');
    expect(steps[0].share).toBeCloseTo(0.25, 2);
    expect(steps[1]).toMatchObject({ date: '2012-01-01', towers: 2 });
    expect(steps[1].share).toBeGreaterThan(steps[0].share + 0.001);
    expect(steps[1].share).toBeLessThan(steps[0].share + 0.02);
  });
});

describe('pairs of markets', () => {
  it('are both covered from the later first-covered date, never while one is uncovered', () => {
    expect(pairCoveredFrom('2009-01-01', '2011-06-01')).toBe('2011-06-01');
    expect(pairCoveredFrom('2012-01-01', '2011-06-01')).toBe('2012-01-01');
    expect(pairCoveredFrom(null, '2011-06-01')).toBeNull();
  });
});
