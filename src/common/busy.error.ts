import { DomainError } from './domain-error';

// A bounded resource (a worker pool and its queue) is full: a 503 with Retry-After, never a 500.
export class BusyError extends DomainError {
  constructor(retryAfterSeconds: number, message: string) {
    super('busy', message, { retryAfterSeconds, errors: [] });
  }
}
