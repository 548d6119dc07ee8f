// Events are per-country data: a control window (a border closure) and the candidate break dates
// the trend tests and the report's periods use. North Korea's are known; other countries have none
// until someone adds them here (a 400 says so when a request needs them).

export interface CountryEvents {
  borderClosure?: { from: string; to: string; name: string };
  breakCandidates: string[];
}

export const COUNTRY_EVENTS: Record<string, CountryEvents> = {
  PRK: {
    // subscribers passed 2 million; the border closed (COVID-19) on 2020-01-22, reopened 2023-08
    borderClosure: { from: '2020-01-22', to: '2023-08-31', name: 'the COVID-19 border closure' },
    breakCandidates: ['2013-05-01', '2020-01-22'],
  },
};

export const DEFAULT_COUNTRY = 'PRK';

export const eventsOf = (country: string): CountryEvents =>
  COUNTRY_EVENTS[country] ?? { breakCandidates: [] };
