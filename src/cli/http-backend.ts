import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { AlertsRequest, AlertsService, SeriesAlerts } from '../analysis/alerts/alerts.service';
import type { ConvergenceReport } from '../analysis/convergence-report.service';
import type {
  CrossCountryAnswer,
  CrossCountryRequest,
} from '../analysis/cross-country/cross-country.service';
import type { SubscriptionImportReport } from '../coverage/subscription-import.service';
import type { TowerImportReport } from '../coverage/tower-import.service';
import type { LockInfo } from '../database/data-dir-lock';
import type { RunMode } from '../ingestion/ingestion.service';
import type { RunView } from '../ingestion/run-ledger.service';
import type { FileImportReport } from '../ingestion/import-runner.service';
import { Backend, counted, PriceImportRequest, ReportRequest } from './backend';
import { DomainError, ErrorKind, kindOf } from '../common/domain-error';

// The running server's answer as an error of the same kind the command would have met here: a 4xx
// is bad input (404 not found), a 409 (another process runs the source) a conflict, which is a
// skipped run; a 5xx or no answer the server being unavailable.
export class HandOffError extends DomainError {
  constructor(message: string, status?: number) {
    super(kindOfStatus(status), message);
  }
}

const kindOfStatus = (status?: number): ErrorKind =>
  status === 507
    ? 'storage_full'
    : status === undefined || status >= 500
      ? 'unavailable'
      : status === 409
        ? 'conflict'
        : status === 404
          ? 'not_found'
          : 'bad_input';

// With the embedded database a running server owns the data folder: the work is asked of it over
// its HTTP API, with the token it wrote in the lock file.
export class HttpBackend implements Backend {
  readonly description: string;
  private readonly base: string;

  constructor(private readonly lock: LockInfo) {
    this.base = `http://${lock.host ?? '127.0.0.1'}:${lock.port}`;
    this.description = `the server on port ${lock.port} (pid ${lock.pid})`;
  }

  migrate() {
    return Promise.resolve(
      `the running server (pid ${this.lock.pid}) applied the migrations at its start; nothing to do`,
    );
  }

  async runSource(source: string, mode: RunMode, since?: string) {
    try {
      return await this.call<RunView>('POST', '/api/ingestion/runs', {
        json: { source, mode, ...(since ? { since } : {}) },
      });
    } catch (err) {
      if (kindOf(err) === 'conflict') return { skipped: (err as Error).message };
      if (mode === 'replay' && kindOf(err) === 'not_found')
        return { skipped: (err as Error).message, noop: true };
      throw err;
    }
  }

  listRuns(q: { source?: string; limit: number }) {
    return this.call<RunView[]>(
      'GET',
      `/api/ingestion/runs?${query({ ...q, limit: String(q.limit) })}`,
    );
  }

  importPrices(file: string, opts: PriceImportRequest) {
    const { importer, onBytes, ...q } = opts;
    return this.call<FileImportReport>('POST', `/api/imports/${importer ?? 'wfp'}?${query(q)}`, {
      stream: counted(file, onBytes),
      type: 'text/csv',
    });
  }

  importSubscriptions(body: string, fileName: string) {
    return this.call<SubscriptionImportReport & { run: RunView }>(
      'POST',
      `/api/imports/subscriptions?${query({ fileName })}`,
      { text: body, type: 'text/csv' },
    );
  }

  importTowers(
    file: string,
    opts: { format: string; source: string; fileName: string; country?: string },
  ) {
    return this.call<TowerImportReport & { run: RunView }>(
      'POST',
      `/api/coverage/towers/import?${query({ format: opts.format, source: opts.source, country: opts.country, fileName: opts.fileName })}`,
      {
        stream: createReadStream(file),
        type: opts.format === 'geojson' ? 'application/json' : 'text/csv',
      },
    );
  }

  convergenceReport(q: ReportRequest) {
    return this.call<ConvergenceReport>(
      'GET',
      `/api/analysis/convergence?${query({ ...q, bootstrap: String(q.bootstrap) })}`,
    );
  }

  crossCountry(q: CrossCountryRequest) {
    const fields = Object.fromEntries(
      Object.entries(q).map(([k, v]) => [
        k,
        v === undefined ? undefined : Array.isArray(v) ? v.join(',') : String(v),
      ]),
    );
    return this.call<CrossCountryAnswer>('GET', `/api/analysis/cross-country?${query(fields)}`);
  }

  alerts(q: AlertsRequest) {
    return this.call<SeriesAlerts>('GET', `/api/analysis/alerts?${query({ ...q })}`);
  }

  alertsSummary(country?: string) {
    return this.call<Awaited<ReturnType<AlertsService['summary']>>>(
      'GET',
      `/api/analysis/alerts/summary?${query({ country })}`,
    );
  }

  close() {
    return Promise.resolve();
  }

  private async call<T>(
    method: 'GET' | 'POST',
    urlPath: string,
    body: { json?: unknown; text?: string; stream?: Readable; type?: string } = {},
  ): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${urlPath}`, {
        method,
        headers: {
          'content-type': body.type ?? 'application/json',
          authorization: `Bearer ${this.lock.token}`,
        },
        body: body.stream
          ? (Readable.toWeb(body.stream) as ReadableStream)
          : (body.text ?? (body.json === undefined ? undefined : JSON.stringify(body.json))),
        ...(body.stream ? { duplex: 'half' } : {}),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new HandOffError(
        `could not reach the running server at ${this.base} (pid ${this.lock.pid}): ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      );
    }
    const json = (await res.json().catch(() => ({}))) as { detail?: string };
    if (res.ok) return json as T;
    const detail = json.detail ?? res.statusText;
    throw new HandOffError(
      res.status < 500 ? detail : `the running server answered ${res.status}: ${detail}`,
      res.status,
    );
  }
}

// The set fields of a request as a query string.
function query(fields: Record<string, string | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '') qs.set(k, v);
  return qs.toString();
}
