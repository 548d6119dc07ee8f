// Errors carry their kind: what the caller can do about it. One table (ERROR_KINDS) maps a kind
// to the HTTP status of the API's problem+json answer and to the command line's exit code, so that
// no layer below the API knows about HTTP and no caller tests classes one by one.
export type ErrorKind =
  'bad_input' | 'not_found' | 'conflict' | 'busy' | 'unavailable' | 'storage_full';

export interface KindRule {
  status: number;
  title: string;
  exitCode: 1 | 2;
}

// Exit codes: 2 is something the caller must change (the input, or wait for the database to be
// free), 1 is a run that did not happen this time (another process runs it, a service is down, or
// the disk holding the database is full: reads go on, writes wait for space).
export const ERROR_KINDS: Readonly<Record<ErrorKind, KindRule>> = {
  bad_input: { status: 400, title: 'Bad Request', exitCode: 2 },
  not_found: { status: 404, title: 'Not Found', exitCode: 2 },
  conflict: { status: 409, title: 'Conflict', exitCode: 1 },
  busy: { status: 503, title: 'Service Unavailable', exitCode: 2 },
  unavailable: { status: 503, title: 'Service Unavailable', exitCode: 1 },
  storage_full: { status: 507, title: 'Insufficient Storage', exitCode: 1 },
};

// One refused parameter of a request: its name (a query parameter, a body field, a file column)
// and why.
export interface ParameterError {
  parameter: string;
  message: string;
}

export interface DomainErrorOptions {
  // the parameters at fault, when the error is about named inputs
  errors?: ParameterError[];
  // a busy resource: when to try again
  retryAfterSeconds?: number;
}

export class DomainError extends Error {
  readonly errors: ParameterError[];
  readonly retryAfterSeconds?: number;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    opts: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.errors = opts.errors ?? parametersOf(message);
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

// A request or file the caller must change; the message starts with the parameter it names
// ("from: must not be after to").
export class BadInputError extends DomainError {
  constructor(message: string, opts: DomainErrorOptions = {}) {
    super('bad_input', message, opts);
  }
}

// Messages of this codebase start with the parameter they are about: "commodity: unknown id x".
const NAMED = /^([A-Za-z][\w.]*(?:, [A-Za-z][\w.]*)*): (.+)$/s;

export function parametersOf(message: string): ParameterError[] {
  const m = NAMED.exec(message);
  if (!m) return [];
  return m[1].split(', ').map((parameter) => ({ parameter, message: m[2] }));
}

// A full disk, met by a write: the disk under the embedded database (StorageGuard's reserve, or
// PGlite's own "No space left on device"), or a PostgreSQL server's (SQLSTATE 53100, disk_full),
// whose message is passed on as the server wrote it. Writes are refused; reads go on.
export class StorageFullError extends DomainError {
  constructor(message: string) {
    super('storage_full', message, { errors: [] });
  }
}

// PostgreSQL's SQLSTATE of a database error, however it arrives: pg's and PGlite's `code`, a
// Prisma error's `meta.code` (raw queries) or its driver adapter's `cause.originalCode`.
export function sqlStateOf(err: unknown): string | undefined {
  const e = err as {
    code?: unknown;
    meta?: { code?: unknown };
    cause?: { originalCode?: unknown; code?: unknown };
  };
  // (a Prisma error's own `code`, P2010 and the like, is Prisma's, not the database's)
  for (const c of [e?.meta?.code, e?.cause?.originalCode, e?.cause?.code, e?.code])
    if (typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c) && !/^P\d{4}$/.test(c)) return c;
  const m = /Code: `([0-9A-Z]{5})`/.exec((err as Error)?.message ?? '');
  return m?.[1];
}

// An error of the layers below as the domain error it is, where it has a kind of its own: a full
// disk (ENOSPC from Node's file system, SQLSTATE 53100 from either database). Anything else as is.
export function asDomainError(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  const message = (err as Error)?.message ?? String(err);
  if ((err as { code?: unknown })?.code === 'ENOSPC')
    return new StorageFullError(`disk full: ${message}`);
  if (sqlStateOf(err) === '53100') {
    const said = /Message: `([^`]*)`/.exec(message)?.[1] ?? message;
    return new StorageFullError(`disk full: the database could not write: ${said}`);
  }
  return err;
}

// The kind of any thrown value: a domain error's own, a full disk's, or none (an unexpected
// failure).
export const kindOf = (err: unknown): ErrorKind | undefined => {
  const known = asDomainError(err);
  return known instanceof DomainError ? known.kind : undefined;
};
