import { Readable } from 'node:stream';
import { readFixture } from '../../test/helpers/markets';
import { parseTowerFile, TowerFileError } from './tower-file.parser';

const opts = { dedupMeters: 100 };

describe('OpenCelliD tower files', () => {
  it.each(['opencellid-467.csv', 'opencellid-467-noheader.csv'])(
    "reads %s: each row in its MCC's country (467: North Korea) and inside it, created as a record date",
    async (file) => {
      const r = await parseTowerFile(readFixture('towers', file), 'opencellid', opts);
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
      expect(r.towers.map((t) => t.country)).toEqual(['PRK', 'PRK']);
      expect(r.rejected).toEqual([
        // MCC 460 is China's: a Chinese cell placed in Pyongyang is not in China
        {
          row: first + 3,
          reason:
            "point 39.0301, 125.7601 is outside People's Republic of China (more than 10 km from its outline)",
        },
        {
          row: first + 4,
          reason:
            'point 35.6895, 139.6917 is outside North Korea (more than 10 km from its outline)',
        },
        { row: first + 5, reason: 'created "notatime" is not a Unix time in seconds' },
        { row: first + 6, reason: 'expected 14 columns, found 8' },
      ]);
    },
  );

  it("assigns each row to its MCC's country, or requires the one the import names", async () => {
    const header =
      'radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal';
    const cell = (mcc: string, lon: number, lat: number, cellId: number) =>
      `GSM,${mcc},2,1,${cellId},0,${lon},${lat},1000,5,1,1262304000,1577836800,0`;
    const body = [
      header,
      cell('639', 36.8219, -1.2921, 1), // Nairobi: Kenya (639)
      cell('639', 32.5825, 0.3476, 2), // Kampala under a Kenyan MCC
      cell('641', 32.5825, 0.3476, 3), // Kampala: Uganda (641)
      cell('310', -77.0369, 38.9072, 4), // Washington: 310 is shared by the US and its territories
      cell('999', 36.8219, -1.2921, 5), // no country's MCC
      cell('467', 125.7601, 39.0301, 6), // Pyongyang: North Korea
    ].join('\n');
    const byMcc = await parseTowerFile(body, 'opencellid', opts);
    expect(byMcc.towers.map((t) => [t.externalId, t.country])).toEqual([
      ['GSM-639-2-1-1', 'KEN'],
      ['GSM-641-2-1-3', 'UGA'],
      ['GSM-467-2-1-6', 'PRK'],
    ]);
    expect(byMcc.rejected).toEqual([
      {
        row: 3,
        reason: 'point 0.3476, 32.5825 is outside Kenya (more than 10 km from its outline)',
      },
      {
        row: 5,
        reason:
          'MCC 310 is used by several countries (BMU, GUM, MNP, PRI, USA, VIR): name one with country',
      },
      { row: 6, reason: 'MCC 999 is not assigned to a country' },
    ]);

    const kenya = await parseTowerFile(body, 'opencellid', { ...opts, country: 'KEN' });
    expect(kenya.towers.map((t) => [t.externalId, t.country])).toEqual([['GSM-639-2-1-1', 'KEN']]);
    expect(kenya.rejected.map((r) => r.reason)).toEqual([
      'point 0.3476, 32.5825 is outside Kenya (more than 10 km from its outline)',
      "MCC 641 is not Kenya's (639)",
      "MCC 310 is not Kenya's (639)",
      "MCC 999 is not Kenya's (639)",
      "MCC 467 is not Kenya's (639)",
    ]);
    const usa = await parseTowerFile(body, 'opencellid', { ...opts, country: 'USA' });
    expect(usa.towers.map((t) => [t.externalId, t.country])).toEqual([['GSM-310-2-1-4', 'USA']]);
  });

  it('reads a survey file as the named country', async () => {
    const body =
      'id,lat,lon,first_seen\nnbo-1,-1.2921,36.8219,2012-05-01\npy-1,39.0301,125.7601,2012-05-01\n';
    const r = await parseTowerFile(body, 'csv', { ...opts, country: 'KEN' });
    expect(r.towers.map((t) => [t.externalId, t.country])).toEqual([['nbo-1', 'KEN']]);
    expect(r.rejected).toEqual([
      {
        row: 3,
        reason: 'point 39.0301, 125.7601 is outside Kenya (more than 10 km from its outline)',
      },
    ]);
  });

  it('refuses a header without the columns it needs', async () => {
    await expect(parseTowerFile('radio,mcc,lon\nGSM,467,125', 'opencellid', opts)).rejects.toThrow(
      /OpenCelliD header lacks net, area, cell, lat, created/,
    );
  });
});

describe('survey tower files (CSV and GeoJSON)', () => {
  it('reads a CSV survey with a reason for every refused row', async () => {
    const r = await parseTowerFile(readFixture('towers', 'imagery-survey.csv'), 'csv', opts);
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
      {
        row: 7,
        reason: 'point 51.5074, -0.1278 is outside North Korea (more than 10 km from its outline)',
      },
      { row: 8, reason: 'confidence "1.7" is not a number from 0 to 1' },
    ]);
  });

  it('merges only within the configured distance', async () => {
    const r = await parseTowerFile(readFixture('towers', 'imagery-survey.csv'), 'csv', {
      dedupMeters: 10,
    });
    expect(r.towers.map((t) => t.externalId)).toContain('img-002');
  });

  it('refuses a CSV without lat, lon and first_seen', async () => {
    await expect(parseTowerFile('id,x,y\n1,2,3\n', 'csv', opts)).rejects.toThrow(TowerFileError);
    await expect(parseTowerFile('id,x,y\n1,2,3\n', 'csv', opts)).rejects.toThrow(
      /lacks the column\(s\) lat, lon, first_seen/,
    );
  });

  it('reads GeoJSON points in either property spelling', async () => {
    const r = await parseTowerFile(
      readFixture('towers', 'imagery-survey.geojson'),
      'geojson',
      opts,
    );
    expect(r.towers.map((t) => [t.externalId, t.firstSeen, t.lastSeen])).toEqual([
      ['g-1', '2009-03-01', null],
      ['g-2', '2010-02-01', '2022-01-01'],
    ]);
    expect(r.rejected).toEqual([
      { row: 3, reason: 'feature is not a Point' },
      { row: 4, reason: 'first_seen "" is not a date YYYY-MM-DD' },
    ]);
  });

  it('refuses what is not a FeatureCollection', async () => {
    await expect(parseTowerFile('{"type":"Feature"', 'geojson', opts)).rejects.toThrow(/not JSON/);
    await expect(parseTowerFile('{"type":"Feature"}', 'geojson', opts)).rejects.toThrow(
      /FeatureCollection/,
    );
  });
});

describe('tower files read as streams', () => {
  // a stream of tiny chunks: lines and multi-byte characters split across chunks
  const trickle = (text: string, size = 7) => {
    const bytes = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    return Readable.from(chunks);
  };

  it.each([
    ['opencellid-467.csv', 'opencellid'],
    ['opencellid-467-noheader.csv', 'opencellid'],
    ['imagery-survey.csv', 'csv'],
    ['imagery-survey.geojson', 'geojson'],
  ] as const)(
    'reads %s from a stream of 7-byte chunks as it reads the text',
    async (file, format) => {
      const text = readFixture('towers', file);
      expect(await parseTowerFile(trickle(text), format, opts)).toEqual(
        await parseTowerFile(text, format, opts),
      );
    },
  );

  it('refuses a survey row of the wrong width or with a broken quote, and keeps the others', async () => {
    const body = [
      'id,lat,lon,first_seen,radio',
      'a-1,39.0301,125.7601,2012-05-01,GSM',
      'a-2,39.5,126.0,2012-05-01',
      'a-3,40.5,127.0,2014-01-01,"평양 LTE"',
      'a-4,40.0,126.5,2013-01-01,"LTE"x',
    ].join('\n');
    const r = await parseTowerFile(trickle(body, 5), 'csv', opts);
    expect(r.rowsRead).toBe(4);
    expect(r.towers.map((t) => [t.row, t.externalId, t.radio])).toEqual([
      [2, 'a-1', 'GSM'],
      [4, 'a-3', '평양 LTE'],
    ]);
    expect(r.rejected).toEqual([
      { row: 3, reason: 'expected 5 columns as the header has, found 4' },
      { row: 5, reason: 'csv: Quoted field unterminated' },
    ]);
  });

  it('counts every refused and merged row and keeps the first 1,000 of each with its reason', async () => {
    const rows = [
      'radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal',
    ];
    for (let i = 0; i < 1_500; i++)
      rows.push(`GSM,467,193,1,${i},0,125.7601,39.0301,1000,3,1,1262304000,1262304000,0`);
    for (let i = 0; i < 1_200; i++)
      rows.push(`GSM,467,193,2,${i},0,125.7601,39.0301,1000,3,1,notatime,1262304000,0`);
    const r = await parseTowerFile(rows.join('\n'), 'opencellid', opts);
    expect(r.rowsRead).toBe(2_700);
    expect(r.towers).toHaveLength(1);
    expect(r.towers[0].mergedRows).toHaveLength(1_499);
    expect([r.mergedCount, r.merged.length, r.merged[999].row]).toEqual([1_499, 1_000, 1_002]);
    expect([r.rejectedCount, r.rejected.length, r.rejected[0].row]).toEqual([1_200, 1_000, 1_502]);
  });
});
