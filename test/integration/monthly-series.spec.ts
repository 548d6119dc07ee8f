import { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app.factory';
import { RunLedgerService } from '../../src/ingestion/run-ledger.service';
import {
  ObservationInput,
  ObservationWriterService,
} from '../../src/prices/observation-writer.service';
import { PricesService } from '../../src/prices/prices.service';
import { SOURCE_PREFERENCE } from '../../src/sources/source-registry';
import { freshDatabase, TEST_DATABASES, TestDb } from '../helpers/databases';

// The monthly read behind the cross-country panel and the alerts (PricesService.monthlySeries):
// one value per market and day, the preferred source's where two publishers report the same day,
// then the mean of the month's days; regions and forecasts never; sorted by month, then market.
describe.each(TEST_DATABASES)('the monthly series on %s', (kind) => {
  let db: TestDb;
  let app: INestApplication;
  const [preferred, other] = SOURCE_PREFERENCE;
  const row = (
    marketId: string,
    surveyDate: string,
    value: number,
    extra: Partial<ObservationInput> = {},
  ): ObservationInput => ({
    marketId,
    commodityId: 'rice',
    surveyDate,
    value,
    unit: 'KPW/kg',
    currency: 'KPW',
    rawValue: String(value),
    flag: 'observed',
    sourceUrl: 'https://example.org/prices',
    fetchedAt: new Date('2026-01-02T00:00:00Z'),
    parserVersion: 'test/1',
    ...extra,
  });

  beforeAll(async () => {
    db = await freshDatabase(kind, {
      LOAD_ARCHIVE_ON_EMPTY: 'false',
      LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false',
    });
    app = await createApp(db.config, { listen: false });
    const writer = app.get(ObservationWriterService);
    const ledger = app.get(RunLedgerService);
    await writer.write(preferred, await ledger.start(preferred, 'cli', 'live'), [
      row('pyongyang', '2019-03-05', 5000),
      row('pyongyang', '2019-04-10', 6000),
      row('sinuiju', '2019-04-10', 4100.25),
      row('northern-border', '2019-03-05', 9999), // a region: never in market series
      row('hyesan', '2019-03-05', 7777, { priceFlag: 'forecast' }), // not an observation
    ]);
    await writer.write(other, await ledger.start(other, 'cli', 'live'), [
      row('pyongyang', '2019-03-05', 5200), // the same day as the preferred source: not taken
      row('pyongyang', '2019-03-20', 5400), // a day of its own: taken
      row('sinuiju', '2019-03-05', 4800),
    ]);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  it('takes the preferred source of each day, then the mean of the days, by month and market', async () => {
    const [s, ...more] = await app.get(PricesService).monthlySeries({ countries: ['PRK'] });
    expect(more).toEqual([]);
    expect(s).toMatchObject({ country: 'PRK', commodity: 'rice', unit: 'KPW/kg', currency: 'KPW' });
    expect(s.sources).toEqual([preferred, other].sort());
    expect(s.month).toEqual(['2019-03', '2019-03', '2019-04', '2019-04']);
    expect(s.market).toEqual(['pyongyang', 'sinuiju', 'pyongyang', 'sinuiju']);
    expect(s.price).toEqual([(5000 + 5400) / 2, 4800, 6000, 4100.25]);
    const april = await app
      .get(PricesService)
      .monthlySeries({ countries: ['PRK'], from: '2019-04-01' });
    expect(april[0].price).toEqual([6000, 4100.25]);
    expect(april[0].sources).toEqual([preferred]);
  });
});
