import { readFixture } from '../../test/helpers/markets';
import { parseTowerFile, TowerFileError } from './tower-file.parser';

const opts = { dedupMeters: 100 };

describe('OpenCelliD tower files', () => {
  it.each(['opencellid-467.csv', 'opencellid-467-noheader.csv'])(
    'reads %s: MCC 467 only, inside North Korea, created as a record date',
    (file) => {
      const r = parseTowerFile(readFixture('towers', file), 'opencellid', opts);
      const first = file.includes('noheader') ? 1 : 2;
      expect(r.rowsRead).toBe(7);
      expect(r.towers.map((t) => t.externalId)).toEqual([
        'GSM-467-193-1-10011',
        'UMTS-467-193-2-20021',
      ]);
      expect(r.towers[0]).toMatchObject({
        radio: 'GSM',
        latitude: 39.0301,
        longitude: 125.7601,
        rangeM: 1000,
        samples: 12,
        // two cells at one site: one tower, first seen at the earlier record (2009-01-01)
        firstSeen: '2009-01-01',
        firstSeenKind: 'record_created',
        lastSeen: '2020-01-01',
        mergedRows: [first + 1],
      });
      expect(r.merged).toEqual([
        { row: first + 1, reason: `same tower as row ${first} (0 m apart): merged` },
      ]);
      expect(r.rejected).toEqual([
        { row: first + 3, reason: 'MCC 460 is not North Korea (467)' },
        {
          row: first + 4,
          reason: "point 35.6895, 139.6917 is outside North Korea's bounding area",
        },
        { row: first + 5, reason: 'created "notatime" is not a Unix time in seconds' },
        { row: first + 6, reason: 'expected 14 columns, found 8' },
      ]);
    },
  );

  it('refuses a header without the columns it needs', () => {
    expect(() => parseTowerFile('radio,mcc,lon\nGSM,467,125', 'opencellid', opts)).toThrow(
      /OpenCelliD header lacks net, area, cell, lat, created/,
    );
  });
});

describe('survey tower files (CSV and GeoJSON)', () => {
  it('reads a CSV survey with a reason for every refused row', () => {
    const r = parseTowerFile(readFixture('towers', 'imagery-survey.csv'), 'csv', opts);
    expect(
      r.towers.map((t) => [t.externalId, t.firstSeen, t.firstSeenKind, t.lastSeen, t.confidence]),
    ).toEqual([
      ['img-001', '2009-03-01', 'observed', '2022-11-01', 0.9],
      ['img-003', '2010-06-15', 'observed', null, 0.7],
      ['42.23060,129.20670', '2014-01-01', 'observed', null, null],
    ]);
    expect([...r.merged, ...r.rejected].sort((a, b) => a.row - b.row)).toEqual([
      { row: 3, reason: 'same tower as row 2 (56 m apart): merged' },
      { row: 5, reason: 'first_seen "2012-02-30" is not a date YYYY-MM-DD' },
      { row: 6, reason: 'last_seen 2011-01-01 is before first_seen 2012-03-01' },
      { row: 7, reason: "point 51.5074, -0.1278 is outside North Korea's bounding area" },
      { row: 8, reason: 'confidence "1.7" is not a number from 0 to 1' },
    ]);
  });

  it('merges only within the configured distance', () => {
    const r = parseTowerFile(readFixture('towers', 'imagery-survey.csv'), 'csv', {
      dedupMeters: 10,
    });
    expect(r.towers.map((t) => t.externalId)).toContain('img-002');
  });

  it('refuses a CSV without lat, lon and first_seen', () => {
    expect(() => parseTowerFile('id,x,y\n1,2,3\n', 'csv', opts)).toThrow(TowerFileError);
    expect(() => parseTowerFile('id,x,y\n1,2,3\n', 'csv', opts)).toThrow(
      /lacks the column\(s\) lat, lon, first_seen/,
    );
  });

  it('reads GeoJSON points in either property spelling', () => {
    const r = parseTowerFile(readFixture('towers', 'imagery-survey.geojson'), 'geojson', opts);
    expect(r.towers.map((t) => [t.externalId, t.firstSeen, t.lastSeen])).toEqual([
      ['g-1', '2009-03-01', null],
      ['g-2', '2010-02-01', '2022-01-01'],
    ]);
    expect(r.rejected).toEqual([
      { row: 3, reason: 'feature is not a Point' },
      { row: 4, reason: 'first_seen "" is not a date YYYY-MM-DD' },
    ]);
  });

  it('refuses what is not a FeatureCollection', () => {
    expect(() => parseTowerFile('{"type":"Feature"', 'geojson', opts)).toThrow(/not JSON/);
    expect(() => parseTowerFile('{"type":"Feature"}', 'geojson', opts)).toThrow(
      /FeatureCollection/,
    );
  });
});
