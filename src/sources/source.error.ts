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

export class SourceError extends Error {
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    readonly temporary = TEMPORARY.has(kind),
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

export class LayoutChangedError extends SourceError {
  constructor(message: string) {
    super('layout_changed', message, false);
    this.name = 'LayoutChangedError';
  }
}
