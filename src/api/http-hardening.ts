import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { AppConfig } from '../config/app-config';
import { sendProblem } from './problem';

// What every request passes before a controller: security headers, per-client rate limits on the
// public reads, and a time limit on a read's answer. Write endpoints have their token and body
// gates (body-gate.ts) instead of a rate limit.

// Security headers (helmet's defaults: a same-origin Content-Security-Policy, nosniff, no
// referrer, no X-Powered-By). The dashboard and Swagger UI load only their own scripts. Without
// upgrade-insecure-requests: the app is often served over plain HTTP inside a network, where
// upgrading the dashboard's own requests to https would break it.
export const securityHeaders = (): RequestHandler =>
  helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });

const tooMany =
  (what: string, perMinute: number) =>
  (_req: Request, res: Response): void => {
    sendProblem(
      res,
      429,
      `rate limit: at most ${perMinute} ${what} per minute per client; retry after the time in Retry-After`,
    );
  };

// A fixed window per client address (the socket's, or the proxy's X-Forwarded-For when
// TRUST_PROXY_HOPS says how many proxies to trust). Counts are per replica: behind several
// replicas the limit a client sees is the per-replica one times the replicas it is spread over.
function limiter(perMinute: number, what: string, skip: (req: Request) => boolean): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7', // RateLimit and RateLimit-Policy; Retry-After on a 429
    legacyHeaders: false,
    skip,
    handler: tooMany(what, perMinute),
  });
}

const isRead = (req: Request) => req.method === 'GET' || req.method === 'HEAD';
// health is for load balancers and monitors, which poll it; it is cheap and never limited
const isHealth = (req: Request) => req.path === '/api/health' || req.path === '/api/health/';
const isExpensive = (req: Request) =>
  req.path.startsWith('/api/analysis/') || req.path.startsWith('/api/coverage/area-share');

export function rateLimits(api: AppConfig['api']): RequestHandler[] {
  const out: RequestHandler[] = [];
  if (api.rateLimitPerMinute > 0)
    out.push(
      limiter(
        api.rateLimitPerMinute,
        'requests',
        (req) => !req.path.startsWith('/api/') || isHealth(req) || !isRead(req),
      ),
    );
  // the statistics cost far more than a page of observations: a client has a smaller budget
  if (api.analysisRateLimitPerMinute > 0)
    out.push(
      limiter(api.analysisRateLimitPerMinute, 'analysis requests', (req) => !isExpensive(req)),
    );
  return out;
}

// At most `perClient` expensive requests (the statistics, area shares) of one client are worked on
// at a time; the client's next ones wait their turn, in order, up to `queue` of them, and beyond that
// are a 429. Rate limits bound how many requests a client makes in a minute; this bounds how much of
// the server one client holds at any moment (its database reads and its share of the estimator
// threads), so that one client pulling statistics in a tight loop cannot slow everyone else's
// pages and health checks. Per replica, like the rate limits.
export const EXPENSIVE_QUEUE_PER_CLIENT = 32;

export function expensiveConcurrency(perClient: number, queue: number): RequestHandler {
  const clients = new Map<string, { active: number; waiting: (() => void)[] }>();
  return (req: Request, res: Response, next: NextFunction) => {
    if (perClient <= 0 || !isExpensive(req)) return next();
    const key = req.ip ?? req.socket.remoteAddress ?? '?';
    let c = clients.get(key);
    if (!c) clients.set(key, (c = { active: 0, waiting: [] }));
    const client = c;
    const release = () => {
      const go = client.waiting.shift();
      if (go) return go();
      client.active--;
      if (client.active === 0) clients.delete(key);
    };
    const start = () => {
      res.once('close', release);
      next();
    };
    if (client.active < perClient) {
      client.active++;
      return start();
    }
    if (client.waiting.length >= queue) {
      sendProblem(
        res,
        429,
        `concurrency: at most ${perClient} analysis requests per client at a time and ${queue} waiting (ANALYSIS_CONCURRENCY_PER_CLIENT); wait for an answer before asking again`,
        { retryAfterSeconds: 1 },
      );
      return;
    }
    // a waiting request whose client goes away gives up its place
    const go = () => (res.destroyed ? release() : start());
    client.waiting.push(go);
    res.once('close', () => {
      const i = client.waiting.indexOf(go);
      if (i >= 0) client.waiting.splice(i, 1);
    });
  };
}

// A read that has not answered within `ms` gets a 503 naming the limit, and whatever its handler
// writes later is dropped. Uploads and triggered runs (POSTs with a token) are not cut off: their
// work is recorded in the run ledger and bounded by their own limits.
export function readTimeout(ms: number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!isRead(req) && !req.path.startsWith('/api/coverage/area-share')) return next();
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.setHeader('Connection', 'close');
      sendProblem(
        res,
        503,
        `request: no answer within REQUEST_TIMEOUT_MS (${ms} ms); narrow the request (fewer markets, a shorter date range, fewer replications)`,
        { retryAfterSeconds: 60 },
      );
      // the handler may still finish: its answer goes nowhere
      const drop = (() => res) as never;
      res.json = drop;
      res.send = drop;
      res.status = drop;
      res.setHeader = drop;
      res.write = (() => true) as never;
      res.end = drop;
    }, ms);
    timer.unref();
    res.on('close', () => clearTimeout(timer));
    next();
  };
}

// Reads are revalidated, never served stale from a cache: every JSON answer carries an ETag (a hash
// of its body), so a client or proxy that sends If-None-Match gets a bodyless 304 while the data
// are unchanged. Health is never cached.
export const cacheHeaders =
  (): RequestHandler =>
  (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method === 'GET' || req.method === 'HEAD') && req.path.startsWith('/api/'))
      res.setHeader('cache-control', req.path === '/api/health' ? 'no-store' : 'no-cache');
    next();
  };
