import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';
import { ParameterError, parametersOf } from '../common/domain-error';

// Every error the API answers, in one shape: RFC 9457 problem details (application/problem+json).
// `type` is about:blank (the status says what happened), `title` the status's phrase, `detail` the
// sentence naming the problem, `errors` each parameter at fault. `statusCode` and `message` (the
// detail again) stay for clients written before this shape; `message` is always a string.
export interface Problem {
  type: 'about:blank';
  title: string;
  status: number;
  detail: string;
  errors: ParameterError[];
  statusCode: number;
  message: string;
}

export const PROBLEM_TYPE = 'application/problem+json';

export function problem(
  status: number,
  detail: string,
  opts: { title?: string; errors?: ParameterError[] } = {},
): Problem {
  return {
    type: 'about:blank',
    title: opts.title ?? STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    errors: opts.errors ?? parametersOf(detail),
    statusCode: status,
    message: detail,
  };
}

// Writes a problem answer (for middleware that answers before a controller).
export function sendProblem(
  res: Response,
  status: number,
  detail: string,
  opts: { title?: string; errors?: ParameterError[]; retryAfterSeconds?: number } = {},
): void {
  if (opts.retryAfterSeconds !== undefined)
    res.setHeader('Retry-After', String(opts.retryAfterSeconds));
  res.status(status);
  res.setHeader('Content-Type', `${PROBLEM_TYPE}; charset=utf-8`);
  res.end(JSON.stringify(problem(status, detail, opts)));
}
