import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// PostgreSQL down when the server starts (a restart of the database, a replica that came up first):
// the server does not exit. It serves a waiting room on its port, where /api/health answers 503
// with the reason and the next attempt and every other path 503 with Retry-After, and tries again
// with exponential backoff; once the database answers, the application takes the port over.

// Errors that say the server cannot be reached now, not that something is wrong with the request:
// refused, unknown or unreachable host, timeouts, a reset, "the database system is starting up"
// (57P03), too many connections (53300).
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  '57P03',
  '53300',
]);

export function isDatabaseUnreachable(err: unknown): boolean {
  const e = err as { code?: string; errors?: unknown[]; cause?: unknown };
  if (e?.code && UNREACHABLE.has(e.code)) return true;
  // Node reports a refused connection to a name with several addresses as an AggregateError
  if (Array.isArray(e?.errors)) return e.errors.some(isDatabaseUnreachable);
  if (/Connection terminated unexpectedly|timeout expired/i.test((err as Error)?.message ?? ''))
    return true;
  return e?.cause !== undefined && e.cause !== err && isDatabaseUnreachable(e.cause);
}

export const describeError = (err: unknown): string => {
  const e = err as { code?: string; message?: string; errors?: { message?: string }[] };
  const message = e.message || e.errors?.map((x) => x.message).join('; ') || String(err);
  return e.code && !message.includes(e.code) ? `${e.code}: ${message}` : message;
};

interface WaitState {
  attempts: number;
  since: string;
  lastError: string;
  nextRetryAt: string | null;
}

export class WaitingRoom {
  private server?: Server;
  readonly state: WaitState = {
    attempts: 0,
    since: new Date().toISOString(),
    lastError: '',
    nextRetryAt: null,
  };

  constructor(private readonly databaseKind: string) {}

  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async open(port: number, host: string): Promise<number> {
    if (this.server) return this.port!;
    const server = createServer((req, res) => {
      const health = /^\/api\/health\/?(\?|$)/.test(req.url ?? '');
      res.statusCode = 503;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Retry-After', '5');
      res.setHeader('Connection', 'close');
      res.end(
        JSON.stringify(
          health
            ? {
                status: 'unavailable',
                database: this.databaseKind,
                reason: `the database cannot be reached: ${this.state.lastError}`,
                waitingSince: this.state.since,
                attempts: this.state.attempts,
                nextRetryAt: this.state.nextRetryAt,
              }
            : {
                statusCode: 503,
                error: 'Service Unavailable',
                message: `the service is starting: the database cannot be reached (${this.state.lastError}); retry later`,
              },
        ),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    return this.port!;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// Builds the application until the database answers; while it cannot be reached, the waiting room
// serves the port and the next attempt waits twice as long (up to maxDelayMs). The room stays open
// through the attempts and hands the port to the application only once it is built.
export async function startWhenDatabaseAnswers<T>(opts: {
  build: () => Promise<T>;
  serve: (built: T, port: number) => Promise<void>;
  port: number;
  host: string;
  databaseKind: string;
  firstDelayMs: number;
  maxDelayMs: number;
  log: (line: string) => void;
}): Promise<T> {
  const room = new WaitingRoom(opts.databaseKind);
  let port = opts.port;
  for (;;) {
    room.state.attempts++;
    try {
      const built = await opts.build();
      await room.close();
      await opts.serve(built, port);
      return built;
    } catch (err) {
      if (!isDatabaseUnreachable(err)) throw err;
      const delay = Math.min(opts.firstDelayMs * 2 ** (room.state.attempts - 1), opts.maxDelayMs);
      room.state.lastError = describeError(err);
      room.state.nextRetryAt = new Date(Date.now() + delay).toISOString();
      port = await room.open(port, opts.host);
      opts.log(
        `the database cannot be reached (${room.state.lastError}); attempt ${room.state.attempts}, next in ${Math.round(delay / 100) / 10} s; /api/health answers 503 on http://localhost:${port}/api/health meanwhile`,
      );
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
