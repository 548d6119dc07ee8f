import { BadRequestException } from '@nestjs/common';
import { isIsoDay } from '../common/dates';
import { PageCursor } from '../prices/prices.service';

export function encodeCursor(c: PageCursor): string {
  return Buffer.from(
    JSON.stringify([c.date, c.market, c.commodity, c.source, c.priceType, c.unit, c.currency]),
  ).toString('base64url');
}

export function decodeCursor(text: string): PageCursor {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      (v.length === 6 || v.length === 7) &&
      v.every((x) => typeof x === 'string') &&
      isIsoDay(v[0]) &&
      v[0] >= '0001-01-01'
    ) {
      // a cursor from before the currency joined the key: after every currency of its row (the
      // key had one row there), so the next page neither repeats nor skips it
      const [date, market, commodity, source, priceType, unit, currency = '\uffff'] = v;
      return { date, market, commodity, source, priceType, unit, currency };
    }
  } catch {
    // falls through to the 400
  }
  throw new BadRequestException(
    'cursor: not a cursor returned by this API (use nextCursor from the previous page)',
  );
}
