import { isIsoDay } from '../common/dates';
import { ParsedObservation } from '../sources/source.types';

// The last check between a parser and the database: whatever a parser returns (a bug, a page that
// changed in a way no test foresaw), a row that is not a positive finite price on a calendar day
// is refused with its reason and counted, never stored. The points table's CHECK constraint
// (series_point, under the observation view) is the backstop behind this.
export function unstorableReason(o: ParsedObservation): string | undefined {
  if (typeof o.value !== 'number' || !Number.isFinite(o.value) || o.value <= 0)
    return `value ${String(o.value)} is not a positive finite number`;
  if (!isIsoDay(o.surveyDate)) return `survey date ${String(o.surveyDate)} is not a calendar day`;
  if (o.periodEnd !== undefined && (!isIsoDay(o.periodEnd) || o.periodEnd < o.surveyDate))
    return `period end ${String(o.periodEnd)} is not a calendar day on or after the survey date`;
  if (!o.marketId || !o.commodityId || !o.unit || !o.currency)
    return 'market, commodity, unit and currency are all required';
  return undefined;
}
