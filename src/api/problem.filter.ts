import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import {
  asDomainError,
  DomainError,
  ERROR_KINDS,
  ParameterError,
  parametersOf,
} from '../common/domain-error';
import { sendProblem } from './problem';

// Every error that reaches a controller, answered as problem+json: a domain error by its kind
// (ERROR_KINDS: the one table of statuses), an HTTP exception of the api layer (the validation
// pipe's, a guard's, an unknown route) by its status, anything else a 500 that is logged and
// whose text is not shown.
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(thrown: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const err = asDomainError(thrown);
    if (err instanceof DomainError) {
      const rule = ERROR_KINDS[err.kind];
      return sendProblem(res, rule.status, err.message, {
        title: rule.title,
        errors: err.errors,
        retryAfterSeconds: err.retryAfterSeconds,
      });
    }
    if (err instanceof HttpException) {
      const { detail, errors } = describe(err);
      return sendProblem(res, err.getStatus(), detail, { errors });
    }
    this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    sendProblem(res, 500, 'internal error: the failure is in the server log', { errors: [] });
  }
}

// The validation pipe answers with a list of messages ("limit must not be greater than 1000",
// "property foo should not exist"); each names its parameter first or after "property".
function describe(err: HttpException): { detail: string; errors: ParameterError[] } {
  const body = err.getResponse();
  const raw = typeof body === 'object' && body !== null && 'message' in body ? body.message : body;
  const messages = (Array.isArray(raw) ? raw : [raw]).map(String);
  const errors = messages.flatMap((m): ParameterError[] => {
    const named = parametersOf(m);
    if (named.length) return named;
    const property = /^property (\S+) /.exec(m)?.[1];
    if (property) return [{ parameter: property, message: m }];
    const first = /^([a-z][\w.]*) (must|should|is|has)\b/i.exec(m)?.[1];
    return first ? [{ parameter: first, message: m }] : [];
  });
  return { detail: messages.join('; '), errors };
}
