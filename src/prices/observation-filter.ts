// Which observations a read selects, as SQL over the observation view's columns.
export interface ObservationFilter {
  country?: string; // ISO 3166-1 alpha-3
  units?: string[];
  priceTypes?: string[];
  currencies?: string[];
  commodities?: string[];
  markets?: string[];
  sources?: string[];
  from?: string;
  to?: string;
}

// WHERE clause and parameters for a filter; $1.. numbered from `offset`.
export function observationWhere(f: ObservationFilter, params: unknown[]): string {
  const clauses: string[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  // one value: an equality, which the key index can seek on (PostgreSQL 15 reads `= ANY(...)`
  // on its second column as a filter over the whole country: a page of a country's last
  // commodity took 300 ms at 3,000,000 rows, bench/country-scale.cjs)
  const oneOf = (column: string, values: string[] | undefined) => {
    if (!values?.length) return;
    if (values.length === 1) add((p) => `${column} = ${p}`, values[0]);
    else add((p) => `${column} = ANY(${p}::text[])`, values);
  };
  if (f.country) add((p) => `country = ${p}`, f.country);
  oneOf('unit', f.units);
  oneOf('price_type', f.priceTypes);
  oneOf('currency', f.currencies);
  oneOf('commodity_id', f.commodities);
  oneOf('market_id', f.markets);
  oneOf('source_id', f.sources);
  if (f.from) add((p) => `survey_date >= ${p}::date`, f.from);
  if (f.to) add((p) => `survey_date <= ${p}::date`, f.to);
  return clauses.length ? clauses.join(' AND ') : 'TRUE';
}
