import { BadRequestException } from '@nestjs/common';
import { PageCursor } from '../prices/prices.service';

export function encodeCursor(c: PageCursor): string {
  return Buffer.from(JSON.stringify([c.date, c.market, c.commodity, c.source])).toString(
    'base64url',
  );
}

export function decodeCursor(text: string): PageCursor {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      v.length === 4 &&
      v.every((x) => typeof x === 'string') &&
      /^\d{4}-\d{2}-\d{2}$/.test(v[0])
    ) {
      const [date, market, commodity, source] = v;
      return { date, market, commodity, source };
    }
  } catch {
    // falls through to the 400
  }
  throw new BadRequestException(
    'cursor: not a cursor returned by this API (use nextCursor from the previous page)',
  );
}
