import { BadInputError } from '../../common/domain-error';

// "date=Date,market=Market Name" -> { date: 'Date', market: 'Market Name' }
export function parseColumnMap(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0 || at === part.length - 1)
      throw new BadInputError(`map: "${part}" is not field=Column (e.g. date=Date,market=Market)`);
    map[part.slice(0, at).trim().toLowerCase()] = part.slice(at + 1).trim();
  }
  return map;
}
