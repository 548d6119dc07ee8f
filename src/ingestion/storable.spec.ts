import { ParsedObservation } from '../sources/source.types';
import { unstorableReason } from './storable';

const ok: ParsedObservation = {
  marketId: 'pyongyang',
  commodityId: 'rice',
  surveyDate: '2020-01-06',
  periodEnd: '2020-01-12',
  value: 5000,
  unit: 'KPW/kg',
  currency: 'KPW',
  rawValue: '5,000',
  flag: 'observed',
};

describe('the last check before a parsed row is written', () => {
  it('passes a storable row', () => expect(unstorableReason(ok)).toBeUndefined());
  it.each([
    [{ value: 0 }, /value 0 is not a positive finite number/],
    [{ value: -1 }, /value -1/],
    [{ value: NaN }, /value NaN/],
    [{ value: Infinity }, /value Infinity/],
    [{ value: '5' as unknown as number }, /value 5 is not/],
    [{ surveyDate: '2019-02-30' }, /survey date 2019-02-30 is not a calendar day/],
    [{ periodEnd: '2020-01-01' }, /period end 2020-01-01 is not .* on or after/],
    [{ unit: '' }, /unit .* required/],
  ])('refuses %j with the reason', (change, reason) =>
    expect(unstorableReason({ ...ok, ...change })).toMatch(reason),
  );
});
