import { DomainError, ErrorKind } from '../common/domain-error';

// Errors carry their kind: temporary ones are worth a retry, permanent ones are recorded and stop.
export type SourceErrorKind =
  | 'network'
  | 'timeout'
  | 'http_status'
  | 'body_too_large'
  | 'layout_changed'
  | 'encoding'
  | 'robots_disallowed'
  | 'lease_held'
  | 'bad_input';

const TEMPORARY: ReadonlySet<SourceErrorKind> = new Set(['network', 'timeout']);

// What the caller of an API or command can do about each: a publisher that is down or slow is
// unavailable (try later), a lease held by another instance a conflict, the rest bad input.
const CALLER_KIND: Record<SourceErrorKind, ErrorKind> = {
  network: 'unavailable',
  timeout: 'unavailable',
  http_status: 'unavailable',
  robots_disallowed: 'unavailable',
  lease_held: 'conflict',
  body_too_large: 'bad_input',
  layout_changed: 'bad_input',
  encoding: 'bad_input',
  bad_input: 'bad_input',
};

export class SourceError extends DomainError {
  constructor(
    readonly sourceKind: SourceErrorKind,
    message: string,
    readonly temporary = TEMPORARY.has(sourceKind),
  ) {
    super(CALLER_KIND[sourceKind], message, { errors: [] });
  }
}

export class LayoutChangedError extends SourceError {
  constructor(message: string) {
    super('layout_changed', message, false);
  }
}
