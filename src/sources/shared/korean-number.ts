// Numbers as Korean-language price reports write them: plain digits with thousands commas
// ("6,100원"), or myriad notation where 만 is 10,000 ("1만700원" = 10,700; "2만원" = 20,000;
// "1만 2천 5백원" = 12,500). The unit word 원 (won) and an "about" prefix 약 are allowed.

export type KoreanNumberReading =
  { kind: 'value'; value: number; approximate: boolean } | { kind: 'malformed'; reason: string };

const SMALL_UNITS: Record<string, number> = { 천: 1000, 백: 100, 십: 10 };
const DIGITS = /^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/;

function plain(text: string): number | null {
  if (!DIGITS.test(text)) return null;
  return Number(text.replace(/,/g, ''));
}

// A group below 10,000: "2천5백", "700", "2,500", "3천" (a unit without a digit means 1: "천" = 1000).
function belowMyriad(text: string): number | null {
  if (text === '') return 0;
  const p = plain(text);
  if (p !== null) return p;
  let total = 0;
  let rest = text;
  let smallest = 10_000;
  for (const [unit, size] of Object.entries(SMALL_UNITS)) {
    const at = rest.indexOf(unit);
    if (at < 0) continue;
    const head = rest.slice(0, at);
    const n = head === '' ? 1 : plain(head);
    if (n === null || n >= 10) return null;
    total += n * size;
    smallest = size;
    rest = rest.slice(at + 1);
  }
  if (rest !== '') {
    // what follows the units must be smaller than the last unit: "2천500" yes, "2천5000" no
    const tail = plain(rest);
    if (tail === null || tail >= smallest) return null;
    total += tail;
  }
  return total;
}

export function readKoreanNumber(input: string): KoreanNumberReading {
  let t = input.normalize('NFKC').replace(/\s+/g, '');
  let approximate = false;
  if (t.startsWith('약')) {
    approximate = true;
    t = t.slice(1);
  }
  t = t.replace(/원$/, '');
  if (t === '') return { kind: 'malformed', reason: `no number in "${input}"` };
  const parts = t.split('만');
  if (parts.length > 2) return { kind: 'malformed', reason: `more than one 만 in "${input}"` };
  let value: number | null;
  if (parts.length === 2) {
    const myriads = parts[0] === '' ? 1 : plain(parts[0]);
    const rest = belowMyriad(parts[1]);
    value = myriads === null || rest === null || rest >= 10_000 ? null : myriads * 10_000 + rest;
  } else {
    value = belowMyriad(parts[0]);
  }
  if (value === null || !Number.isFinite(value))
    return { kind: 'malformed', reason: `not a number: "${input}"` };
  return { kind: 'value', value, approximate };
}

// Writes a whole number of won in myriad notation, as the relays do ("1만700원"): for tests.
export function toMyriadNotation(n: number): string {
  const man = Math.floor(n / 10_000);
  const rest = n % 10_000;
  if (man === 0) return `${rest}원`;
  return `${man}만${rest === 0 ? '' : rest}원`;
}
