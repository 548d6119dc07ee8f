import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { RunInProgressError, UnknownSourceError } from '../ingestion/ingestion.service';
import { UnknownIdError } from '../prices/prices.service';
import { SourceError } from '../sources/source.error';
import { TowerImportInputError } from '../coverage/tower-import.service';

// Domain errors that reach a controller are the caller's doing: answer 400 or 409 with the message.
@Catch(UnknownIdError, UnknownSourceError, RunInProgressError, SourceError, TowerImportInputError)
export class DomainErrorsFilter implements ExceptionFilter {
  catch(err: Error, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const status = err instanceof RunInProgressError ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST;
    const message = err instanceof UnknownSourceError ? `source: ${err.message}` : err.message;
    res.status(status).json({
      statusCode: status,
      error: err instanceof RunInProgressError ? 'Conflict' : 'Bad Request',
      message,
    });
  }
}
