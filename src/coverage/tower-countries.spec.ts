import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { countryOutline } from '../common/country-outline';
import { countriesOfMcc, mccsOfCountry, outsideCountry } from './tower-countries';

describe("a tower's country", () => {
  it('maps MCCs to countries and back (mcc-mnc-list)', () => {
    expect(countriesOfMcc('467')).toEqual(['PRK']);
    expect(countriesOfMcc('639')).toEqual(['KEN']);
    expect(countriesOfMcc('732')).toEqual(['COL']);
    expect(countriesOfMcc('234')).toEqual(['GBR', 'GGY', 'IMN', 'JEY']);
    expect(countriesOfMcc('999')).toEqual([]);
    expect(mccsOfCountry('PRK')).toEqual(['467']);
    expect(mccsOfCountry('USA')).toEqual(['310', '311', '312', '313', '314', '315', '316']);
  });

  it('keeps a point off the generalized coast within 10 km, and refuses one farther out', () => {
    const outline = countryOutline('PRK')!;
    // Wonsan bay: the 1:50m coast runs at about 127.57 E on this latitude
    expect(booleanPointInPolygon([127.6, 39.15], outline)).toBe(false);
    expect(outsideCountry('PRK', 39.15, 127.6)).toBeNull();
    expect(outsideCountry('PRK', 39.15, 128.2)).toBe(
      'point 39.15, 128.2 is outside North Korea (more than 10 km from its outline)',
    );
    expect(outsideCountry('PRK', 39.0301, 125.7601)).toBeNull();
  });
});
