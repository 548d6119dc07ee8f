// A bounded resource (a worker pool and its queue) is full: a 503 with Retry-After, never a 500.
export class BusyError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
    this.name = 'BusyError';
  }
}
