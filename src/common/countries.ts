import countries from 'i18n-iso-countries';
import english from 'i18n-iso-countries/langs/en.json';
import type { SqlTx } from '../database/sql-tx';

// ISO 3166-1 country codes and English names (i18n-iso-countries), for every importer that names
// a country: WFP files, subscription series, tower registries.
countries.registerLocale(english);

// An ISO 3166-1 alpha-3 code (the library alone would also take an alpha-2 or numeric one).
export const isCountryCode = (code: string): boolean =>
  /^[A-Z]{3}$/.test(code) && countries.isValid(code);

export const countryName = (iso3: string): string => countries.getName(iso3, 'en') ?? iso3;

// The country rows an import needs (a country is referenced by markets and towers), in the
// import's own transaction; existing ones are left as they are.
export async function insertCountries(tx: SqlTx, iso3s: Iterable<string>): Promise<void> {
  const rows = [...new Set(iso3s)].map((iso3) => ({ iso3, name: countryName(iso3) }));
  if (!rows.length) return;
  await tx.execute(
    `INSERT INTO country (iso3, name)
     SELECT iso3, name FROM json_to_recordset($1::json) AS x(iso3 text, name text)
     ON CONFLICT (iso3) DO NOTHING`,
    JSON.stringify(rows),
  );
}
