// Errors carry their kind: what the caller can do about it. One table (ERROR_KINDS) maps a kind
// to the HTTP status of the API's problem+json answer and to the command line's exit code, so that
// no layer below the API knows about HTTP and no caller tests classes one by one.
export type ErrorKind = 'bad_input' | 'not_found' | 'conflict' | 'busy' | 'unavailable';

export interface KindRule {
  status: number;
  title: string;
  exitCode: 1 | 2;
}

// Exit codes: 2 is something the caller must change (the input, or wait for the database to be
// free), 1 is a run that did not happen this time (another process runs it, or a service is down).
export const ERROR_KINDS: Readonly<Record<ErrorKind, KindRule>> = {
  bad_input: { status: 400, title: 'Bad Request', exitCode: 2 },
  not_found: { status: 404, title: 'Not Found', exitCode: 2 },
  conflict: { status: 409, title: 'Conflict', exitCode: 1 },
  busy: { status: 503, title: 'Service Unavailable', exitCode: 2 },
  unavailable: { status: 503, title: 'Service Unavailable', exitCode: 1 },
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

// The kind of any thrown value: a domain error's own, or none (an unexpected failure).
export const kindOf = (err: unknown): ErrorKind | undefined =>
  err instanceof DomainError ? err.kind : undefined;
