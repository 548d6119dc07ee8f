import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import bbox from '@turf/bbox';
import { pointToPolygonDistance } from '@turf/point-to-polygon-distance';
import countries from 'i18n-iso-countries';
import { all as mccRecords } from 'mcc-mnc-list';
import { countryName } from '../common/countries';
import { countryOutline } from '../common/country-outline';

// Which country a tower belongs to. An OpenCelliD cell's MCC (mobile country code, ITU E.212)
// names its network's country; the MCC list is the mcc-mnc-list package (Wikipedia's table). A
// point must lie in that country: inside its outline (Natural Earth 1:50m, as the dashboard's map)
// or within OUTLINE_TOLERANCE_KM of it, since the outline generalizes coasts and borders and an
// OpenCelliD position is an estimate from phones' reports.

export const OUTLINE_TOLERANCE_KM = 10;

let byMcc: Map<string, string[]> | undefined;

// MCC -> the countries (ISO 3166-1 alpha-3) whose networks use it, built once on first use.
function mccTable(): Map<string, string[]> {
  if (!byMcc) {
    const built = new Map<string, Set<string>>();
    for (const r of mccRecords()) {
      if (!r.mcc || !r.countryCode) continue;
      // 'BL/GF/GP/MF/MQ' (one record for several territories), 'GE-AB' (a region of Georgia)
      for (const code of r.countryCode.split('/')) {
        const iso3 = countries.alpha2ToAlpha3(code.slice(0, 2));
        if (!iso3) continue;
        const set = built.get(r.mcc) ?? new Set<string>();
        set.add(iso3);
        built.set(r.mcc, set);
      }
    }
    byMcc = new Map([...built].map(([mcc, set]) => [mcc, [...set].sort()]));
  }
  return byMcc;
}

// The countries whose networks use an MCC: one for most, several for a few shared ones (310: the
// United States and its territories; 234: the United Kingdom and the Crown dependencies).
// Unknown MCC: none.
export const countriesOfMcc = (mcc: string): string[] => mccTable().get(mcc) ?? [];

// The MCCs of a country's networks.
export const mccsOfCountry = (iso3: string): string[] =>
  [...mccTable().entries()]
    .filter(([, list]) => list.includes(iso3))
    .map(([mcc]) => mcc)
    .sort();

type Outline = NonNullable<ReturnType<typeof countryOutline>>;
const outlines = new Map<string, { outline: Outline; box: number[] } | null>();

function outlineOf(iso3: string) {
  if (!outlines.has(iso3)) {
    const outline = countryOutline(iso3);
    outlines.set(iso3, outline ? { outline, box: bbox(outline) } : null);
  }
  return outlines.get(iso3)!;
}

// Why a point cannot be a tower of the country (null: it can). A country with no outline in the
// map data (a few small territories) is not checked.
export function outsideCountry(iso3: string, lat: number, lon: number): string | null {
  const o = outlineOf(iso3);
  if (!o) return null;
  const pt = [lon, lat];
  if (booleanPointInPolygon(pt, o.outline)) return null;
  const [minLon, minLat, maxLon, maxLat] = o.box;
  const margin = OUTLINE_TOLERANCE_KM / 111; // degrees of latitude; a bound, not a distance
  const nearBox =
    lat >= minLat - margin &&
    lat <= maxLat + margin &&
    lon >= minLon - margin / Math.max(Math.cos((lat * Math.PI) / 180), 0.01) &&
    lon <= maxLon + margin / Math.max(Math.cos((lat * Math.PI) / 180), 0.01);
  if (
    nearBox &&
    pointToPolygonDistance(pt, o.outline, { units: 'kilometers' }) <= OUTLINE_TOLERANCE_KM
  )
    return null;
  return `point ${lat}, ${lon} is outside ${countryName(iso3)} (more than ${OUTLINE_TOLERANCE_KM} km from its outline)`;
}
