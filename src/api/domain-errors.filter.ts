import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { PairLimitError } from '../analysis/panel.service';
import { AreaInputError } from '../coverage/area-validation';
import { BusyError } from '../common/busy.error';
import { TowerImportInputError } from '../coverage/tower-import.service';
import { RunInProgressError, UnknownSourceError } from '../ingestion/ingestion.service';
import { UnknownIdError } from '../prices/prices.service';
import { SourceError } from '../sources/source.error';
import { WfpFileError } from '../sources/wfp-hdx/wfp-hdx.parser';
import { SubscriptionFileError } from '../coverage/subscriptions-file.parser';

// Domain errors that reach a controller: the caller's doing (400), a conflict with a run in
// progress (409), or a bounded resource that is busy (503 with Retry-After).
@Catch(
  UnknownIdError,
  UnknownSourceError,
  RunInProgressError,
  SourceError,
  TowerImportInputError,
  AreaInputError,
  BusyError,
  WfpFileError,
  SubscriptionFileError,
  PairLimitError,
)
export class DomainErrorsFilter implements ExceptionFilter {
  catch(err: Error, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (err instanceof BusyError) {
      res.setHeader('Retry-After', String(err.retryAfterSeconds));
      res.status(HttpStatus.SERVICE_UNAVAILABLE).json({
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        error: 'Service Unavailable',
        message: err.message,
      });
      return;
    }
    const status = err instanceof RunInProgressError ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST;
    const message = err instanceof UnknownSourceError ? `source: ${err.message}` : err.message;
    res.status(status).json({
      statusCode: status,
      error: err instanceof RunInProgressError ? 'Conflict' : 'Bad Request',
      message,
    });
  }
}
