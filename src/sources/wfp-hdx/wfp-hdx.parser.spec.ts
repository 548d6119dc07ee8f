import {
  checkHeader,
  countryOfFile,
  parseWfpRecord,
  perBaseUnit,
  slug,
  wfpFlag,
  wfpMarketId,
} from './wfp-hdx.parser';

const record = (over: Record<string, string> = {}) => ({
  date: '2020-01-15',
  admin1: 'Antioquia',
  admin2: 'Medellin',
  market: 'Medellín',
  latitude: '6.2518',
  longitude: '-75.5636',
  category: 'cereals and tubers',
  commodity: 'Maize (white)',
  unit: '90 KG',
  priceflag: 'actual',
  pricetype: 'Wholesale',
  currency: 'COP',
  price: '135000',
  usdprice: '34.6',
  ...over,
});

describe('WFP/HDX rows', () => {
  it('makes ids: commodity slugs of the published name, market ids unique across countries', () => {
    expect(slug('Maize (white)')).toBe('maize-white');
    expect(slug('Oil (vegetable, local)')).toBe('oil-vegetable-local');
    expect(wfpMarketId('COL', 'Antioquia', 'Medellín')).toBe('col-antioquia-medellin');
    expect(wfpMarketId('KEN', '', 'Nairobi')).toBe('ken-na-nairobi');
  });

  it('keeps everything the row says', () => {
    expect(parseWfpRecord(record(), 'COL')).toEqual({
      row: expect.objectContaining({
        marketId: 'col-antioquia-medellin',
        commodityId: 'maize-white',
        surveyDate: '2020-01-15',
        value: 135000,
        unit: '90 KG',
        priceType: 'wholesale',
        currency: 'COP',
        usdValue: 34.6,
        priceFlag: 'actual',
        flag: 'observed',
        market: {
          name: 'Medellín',
          admin1: 'Antioquia',
          admin2: 'Medellin',
          latitude: 6.2518,
          longitude: -75.5636,
        },
        commodity: { name: 'Maize (white)', category: 'cereals and tubers' },
      }),
    });
  });

  it.each([
    [{ date: '2020-02-30' }, 'date: "2020-02-30" is not a calendar date written YYYY-MM-DD'],
    [{ date: '15/01/2020' }, 'date: "15/01/2020" is not a calendar date written YYYY-MM-DD'],
    [{ price: '0' }, 'price: 0 is not positive'],
    [{ price: '-3' }, 'price: -3 is not positive'],
    [{ price: 'NaN' }, 'price: "NaN" is not a number'],
    [{ price: '' }, 'price: missing'],
    [{ market: ' ' }, 'market: missing'],
    [{ commodity: '' }, 'commodity: missing'],
    [{ unit: '' }, 'unit: missing'],
  ])('refuses %o with the reason', (over, reason) => {
    expect(parseWfpRecord(record(over), 'COL')).toEqual({ reason });
  });

  it('drops impossible coordinates rather than the row', () => {
    const r = parseWfpRecord(record({ latitude: '1e308' }), 'COL');
    expect('row' in r && r.row.market.latitude).toBeNull();
  });

  it('maps the flag word, keeping the word', () => {
    expect(wfpFlag('actual')).toBe('observed');
    expect(wfpFlag('aggregate')).toBe('aggregated');
    expect(wfpFlag('actual,aggregate')).toBe('aggregated');
    expect(wfpFlag('forecast')).toBe('imputed');
  });

  it('knows the multiples of a mass or a volume, and never converts between them', () => {
    expect(perBaseUnit('90 KG')).toEqual({ base: 'kg', factor: 90 });
    expect(perBaseUnit('400 G')).toEqual({ base: 'kg', factor: 0.4 });
    expect(perBaseUnit('KG')).toEqual({ base: 'kg', factor: 1 });
    expect(perBaseUnit('500 ML')).toEqual({ base: 'l', factor: 0.5 });
    expect(perBaseUnit('L')).toEqual({ base: 'l', factor: 1 });
    expect(perBaseUnit('Bunch')).toBeNull();
    expect(perBaseUnit('Unit')).toBeNull();
  });

  it('takes the country from --country or the usual file name, else says how', () => {
    expect(countryOfFile('wfp_food_prices_ken.csv', undefined)).toBe('KEN');
    expect(countryOfFile('anything.csv', 'col')).toBe('COL');
    expect(() => countryOfFile('prices.csv', undefined)).toThrow(
      /country: name it with --country ISO3/,
    );
  });

  it('refuses a file whose header is not the format', () => {
    expect(() => checkHeader(['date', 'market', 'price'])).toThrow(
      /the header lacks admin1, latitude/,
    );
  });
});
