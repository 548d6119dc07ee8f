import { createHash, timingSafeEqual } from 'node:crypto';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendProblem } from './problem';

// Bodies are read per endpoint, after the token check and within a cap, never by a global parser:
// an unauthenticated client must not make the server read (and hold) a large body. A declared
// Content-Length over the cap is refused at once; a chunked body is cut off at the cap. Both: 413.

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

// Constant time whatever the lengths: compares fixed-size digests.
export const sameToken = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

export type TokenCheck = 'ok' | 'disabled' | 'missing' | 'wrong';

// `adminConfigured`: whether ADMIN_TOKEN is set. Without it the only accepted token is the
// running embedded server's lock-file token (the command line's hand-off), so any other request
// is told that writes are disabled and how to enable them, not that its token is wrong.
export function checkBearer(
  header: string | undefined,
  accepted: string[],
  adminConfigured = true,
): TokenCheck {
  const token = header?.startsWith('Bearer ') ? header.slice(7) : '';
  if (token && accepted.some((t) => sameToken(t, token))) return 'ok';
  if (!adminConfigured || !accepted.length) return 'disabled';
  return token ? 'wrong' : 'missing';
}

export const TOKEN_MESSAGES: Record<
  Exclude<TokenCheck, 'ok'>,
  { status: number; message: string }
> = {
  disabled: {
    status: 403,
    message:
      'authorization: writes over the API are disabled: set ADMIN_TOKEN on the server to enable them (imports, runs, tower imports) and send it as a Bearer token; the command line on the same machine needs none',
  },
  missing: { status: 401, message: 'authorization: a Bearer token is required' },
  wrong: { status: 403, message: 'authorization: the Bearer token is not valid' },
};

const refuse = (res: Response, status: number, message: string): void => {
  // the client may still be sending: answer, then close rather than drain a body nobody reads
  res.setHeader('Connection', 'close');
  sendProblem(res, status, message);
};

export interface BodyGateOptions {
  tokens?: () => string[]; // when set, the Bearer token is checked before the body is read
  adminConfigured?: boolean; // ADMIN_TOKEN is set (default true)
  maxBytes: number;
  types: { json?: string[]; text?: string[] };
  name: string; // named in the 413 message
}

export function bodyGate(opts: BodyGateOptions): RequestHandler {
  const parsers: RequestHandler[] = [];
  if (opts.types.json) parsers.push(express.json({ limit: opts.maxBytes, type: opts.types.json }));
  if (opts.types.text) parsers.push(express.text({ limit: opts.maxBytes, type: opts.types.text }));
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    if (opts.tokens) {
      const check = checkBearer(
        req.headers.authorization,
        opts.tokens(),
        opts.adminConfigured ?? true,
      );
      if (check !== 'ok')
        return refuse(res, TOKEN_MESSAGES[check].status, TOKEN_MESSAGES[check].message);
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    const tooLarge = `body: ${opts.name} takes at most ${opts.maxBytes} bytes`;
    if (declared > opts.maxBytes) return refuse(res, 413, tooLarge);
    const run = (i: number): void => {
      if (i === parsers.length) return next();
      parsers[i](req, res, (err?: unknown) => {
        if (!err) return run(i + 1);
        const e = err as { status?: number; type?: string; message?: string };
        if (e.type === 'entity.too.large') return refuse(res, 413, tooLarge);
        if (e.status && e.status < 500)
          return sendProblem(res, e.status, `body: ${e.message}`, { title: 'Bad Request' });
        next(err);
      });
    };
    run(0);
  };
}
