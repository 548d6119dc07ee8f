import { readFileSync } from 'node:fs';
import path from 'node:path';

// Per-country report data, shipped as a file (data/reference/country-report-profiles.json), not
// code: the placebo series, a control window (a border closure), candidate break dates with their
// reasons, what else trended while phones spread, and caveats. North Korea's are known; a country
// without a profile gets the report without those parts and a sentence saying what is missing.

export interface BreakCandidate {
  date: string;
  reason: string;
}

export interface CountryProfile {
  placebo?: { commodity: string; label: string; premise: string };
  borderClosure?: { from: string; to: string; name: string };
  breaks: BreakCandidate[];
  alsoTrended?: string;
  caveats: string[];
}

// The shape the API has always answered (/api/countries): a window and the break dates.
export interface CountryEvents {
  borderClosure?: { from: string; to: string; name: string };
  breakCandidates: string[];
}

export const PROFILES_FILE = path.resolve(
  __dirname,
  '..',
  '..',
  'data',
  'reference',
  'country-report-profiles.json',
);

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

// Reads and checks the file: a malformed profile fails at start, naming the country and field.
export function parseProfiles(text: string): Record<string, CountryProfile> {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const out: Record<string, CountryProfile> = {};
  for (const [iso3, v] of Object.entries(raw)) {
    if (iso3.startsWith('_')) continue;
    const bad = (field: string) =>
      new Error(`${PROFILES_FILE}: ${iso3}.${field} is missing or malformed`);
    if (!/^[A-Z]{3}$/.test(iso3)) throw bad('(the key: an ISO 3166-1 alpha-3 code)');
    const p = v as Partial<CountryProfile> & { breakCandidates?: BreakCandidate[] };
    const breaks = p.breakCandidates ?? [];
    if (!Array.isArray(breaks) || breaks.some((b) => !ISO_DAY.test(b.date) || !b.reason))
      throw bad('breakCandidates');
    if (
      p.borderClosure &&
      !(ISO_DAY.test(p.borderClosure.from) && ISO_DAY.test(p.borderClosure.to))
    )
      throw bad('borderClosure');
    if (p.placebo && !(p.placebo.commodity && p.placebo.label && p.placebo.premise))
      throw bad('placebo');
    out[iso3] = {
      placebo: p.placebo,
      borderClosure: p.borderClosure,
      breaks: [...breaks].sort((a, b) => a.date.localeCompare(b.date)),
      alsoTrended: p.alsoTrended,
      caveats: p.caveats ?? [],
    };
  }
  return out;
}

let profiles: Record<string, CountryProfile> | undefined;
const loaded = (): Record<string, CountryProfile> =>
  (profiles ??= parseProfiles(readFileSync(PROFILES_FILE, 'utf8')));

export const DEFAULT_COUNTRY = 'PRK';

export const hasProfile = (country: string): boolean => country in loaded();

export const profileOf = (country: string): CountryProfile =>
  loaded()[country] ?? { breaks: [], caveats: [] };

export const eventsOf = (country: string): CountryEvents => {
  const p = profileOf(country);
  return {
    ...(p.borderClosure ? { borderClosure: p.borderClosure } : {}),
    breakCandidates: p.breaks.map((b) => b.date),
  };
};
