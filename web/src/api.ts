import createClient from 'openapi-fetch';
import type { components, paths } from './api-schema';

// The dashboard's data layer: a client generated from the committed openapi.json (openapi-typescript
// types, openapi-fetch calls), so every request and answer here is typed by the public contract and
// an economist can fetch everything the page shows.

export type Schemas = components['schemas'];
export const client = createClient<paths>({ baseUrl: window.location.origin });

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

// The data of a call, or an error that carries the API's own message (which names the parameter).
export async function must<T>(call: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (data !== undefined) return data;
  const message =
    error && typeof error === 'object' && 'message' in error
      ? String(error.message)
      : response.statusText;
  throw new Error(`${new URL(response.url).pathname}: HTTP ${response.status}: ${message}`);
}

export type Observation = Schemas['ObservationDto'];

// Every observation of one series, following nextCursor page by page.
export async function allObservations(query: {
  country: string;
  commodity: string;
  unit?: string;
  priceType?: string;
}): Promise<Observation[]> {
  const rows: Observation[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await must(
      client.GET('/api/observations', {
        params: {
          query: {
            country: query.country,
            commodity: [query.commodity],
            unit: query.unit ? [query.unit] : undefined,
            priceType: query.priceType ? [query.priceType] : undefined,
            limit: 5000,
            cursor,
          },
        },
      }),
    );
    // the operation also answers CSV and NDJSON; asked for JSON, it answers a page
    if (typeof page === 'string') throw new Error('/api/observations: expected a JSON page');
    rows.push(...page.data);
    if (!page.nextCursor) return rows;
    cursor = page.nextCursor;
  }
}
