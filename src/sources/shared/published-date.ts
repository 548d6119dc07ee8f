import type * as cheerio from 'cheerio/slim';
import { isIsoDay } from '../../common/dates';

// An article's publish day, from the meta tag or the first <time datetime>; null when neither
// starts with a real calendar day ("2021-03-99T..." is not one).
export function publishedDate($: cheerio.CheerioAPI): string | null {
  const v =
    $('meta[property="article:published_time"]').attr('content') ??
    $('time[datetime]').first().attr('datetime');
  const day = v?.slice(0, 10);
  return isIsoDay(day) ? day : null;
}
