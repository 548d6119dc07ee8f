import { parse } from 'csv-parse/sync';
import { readFixture } from './markets';
import type { DatedValue } from '../../src/coverage/interpolation';
import { SeriesPrices, seriesId } from '../../src/analysis/cross-country/cross-country-panel';

// The cross-country fixture's monthly prices and subscriptions (test/fixtures/analysis/cross-country,
// made by make_reference.R) as the loader hands them to the panel.
const fixture = (name: string) =>
  parse<Record<string, string>>(readFixture('analysis', 'cross-country', name), { columns: true });

export function fixtureInput(): {
  prices: SeriesPrices[];
  subscriptions: Map<string, DatedValue[]>;
} {
  const bySeries = new Map<string, SeriesPrices>();
  for (const r of fixture('prices.csv')) {
    const key = seriesId({
      country: r.country,
      commodity: r.commodity,
      unit: r.unit,
      priceType: r.priceType,
      currency: r.currency,
    });
    let s = bySeries.get(key);
    if (!s)
      bySeries.set(
        key,
        (s = {
          country: r.country,
          commodity: r.commodity,
          unit: r.unit,
          priceType: r.priceType,
          currency: r.currency,
          market: [],
          month: [],
          price: [],
        }),
      );
    s.market.push(r.market);
    s.month.push(r.month);
    s.price.push(Number(r.price));
  }
  const subscriptions = new Map<string, DatedValue[]>();
  for (const r of fixture('subscriptions.csv'))
    subscriptions.set(r.country, [
      ...(subscriptions.get(r.country) ?? []),
      { date: r.date, value: Number(r.value) },
    ]);
  return { prices: [...bySeries.values()], subscriptions };
}
